package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
)

// newTable returns the writer of the tables the commands print: columns
// separated by tabs in what is written, aligned with two spaces on Flush.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// optionalRow writes the row label, value to tw when value is not empty,
// with value printable.
func optionalRow(tw io.Writer, label, value string) {
	if value != "" {
		fmt.Fprintf(tw, "%s\t%s\n", label, printable(value))
	}
}

// printable returns s as the text output shows what Step Functions
// answered: its control characters escaped as in Go (\x1b, \r, \n, \t,
// \u009b). An error, a cause or an output is whatever a task or a Fail state
// made of it; printed as it is, an escape sequence would drive the terminal
// (set its title, hide or overwrite lines) and a new line or a tab would
// break the table. --json output keeps the text as it is.
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsControl(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

// printList prints items as a table, one row each of the columns row
// returns (each printable), under header (its columns separated by tabs; ""
// for none). With no items it prints the line empty instead, when empty is
// not "".
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
		cells := row(item)
		for i, c := range cells {
			cells[i] = printable(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
}
