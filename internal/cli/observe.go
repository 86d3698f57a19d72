package cli

import (
	"context"
	"log/slog"

	sfn "github.com/polysync/stepfunctions"
)

// callObserver is a slog handler that tells onCall the operation of every
// Step Functions call the provider logs (sfn.APICallMessage), then passes the
// record on to next when next wants it. It lets a command count the calls of
// a long wait, such as discovering thousands of state machines, for its
// progress display.
type callObserver struct {
	next   slog.Handler
	onCall func(op string)
}

// Enabled is true at every level: the provider logs its calls at Debug.
func (h callObserver) Enabled(context.Context, slog.Level) bool { return true }

// Handle observes the record, then passes it on.
func (h callObserver) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == sfn.APICallMessage {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "op" {
				h.onCall(a.Value.String())
				return false
			}
			return true
		})
	}
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs returns the observer over next with attrs.
func (h callObserver) WithAttrs(attrs []slog.Attr) slog.Handler {
	return callObserver{next: h.next.WithAttrs(attrs), onCall: h.onCall}
}

// WithGroup returns the observer over next with the group.
func (h callObserver) WithGroup(name string) slog.Handler {
	return callObserver{next: h.next.WithGroup(name), onCall: h.onCall}
}
