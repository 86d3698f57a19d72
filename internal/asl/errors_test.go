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

// TestMatchesErrorTaskFailedWildcard: in Retry and Catch, States.TaskFailed
// matches any error a task raises under its own name (a Lambda's
// Lambda.Unknown, an application's error), as the developer guide says
// ("acts as a wildcard that matches any known error name except for
// States.Timeout"), and not States.Timeout or States.Runtime.
func TestMatchesErrorTaskFailedWildcard(t *testing.T) {
	tests := []struct {
		errorEquals []string
		name        string
		want        bool
	}{
		{[]string{ErrTaskFailed}, ErrTaskFailed, true},
		{[]string{ErrTaskFailed}, "Lambda.Unknown", true},
		{[]string{ErrTaskFailed}, "MyApp.ValidationError", true},
		{[]string{"Other", ErrTaskFailed}, "E", true},
		{[]string{ErrTaskFailed}, ErrTimeout, false},
		{[]string{ErrTaskFailed}, ErrHeartbeatTimeout, false},
		{[]string{ErrTaskFailed}, ErrRuntime, false},
		{[]string{"Other"}, "E", false},
		{[]string{ErrALL}, "E", true},
		{[]string{ErrALL}, ErrRuntime, false},
		{[]string{ErrTimeout}, ErrHeartbeatTimeout, true},
	}
	for _, tt := range tests {
		if got := matchesError(tt.errorEquals, tt.name); got != tt.want {
			t.Errorf("matchesError(%q, %q) = %v, want %v", tt.errorEquals, tt.name, got, tt.want)
		}
	}
}
