package asl

import "testing"

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{newError(ErrTimeout, "%s", ""), "States.Timeout"},
		{newError(ErrRuntime, "path %s matched nothing", "$.x"), "States.Runtime: path $.x matched nothing"},
		{&ScheduleError{Name: "States.Runtime"}, "States.Runtime"},
		{&ScheduleError{Name: "States.Runtime", Cause: "no such activity"}, "States.Runtime: no such activity"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}
