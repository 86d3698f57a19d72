package cli

import (
	"fmt"
	"io"
	"strings"
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

// printList prints items as a table, one row each of the columns row
// returns, under header (its columns separated by tabs; "" for none). With
// no items it prints the line empty instead, when empty is not "".
func printList[T any](w io.Writer, header, empty string, items []T, row func(T) []string) {
	if len(items) == 0 && empty != "" {
		fmt.Fprintln(w, empty)
		return
	}
	tw := newTable(w)
	if header != "" {
		fmt.Fprintln(tw, header)
	}
	for _, item := range items {
		fmt.Fprintln(tw, strings.Join(row(item), "\t"))
	}
	tw.Flush()
}
