package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// newTable returns the writer of the tables the commands print: columns
// separated by tabs in what is written, aligned with two spaces on Flush.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// optionalRow writes the row label, value to tw when value is not empty.
func optionalRow(tw io.Writer, label, value string) {
	if value != "" {
		fmt.Fprintf(tw, "%s\t%s\n", label, value)
	}
}
