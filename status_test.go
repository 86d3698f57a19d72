package stepfunctions

import "testing"

func TestMapStatus(t *testing.T) {
	tests := []struct {
		status string
		want   RunState
	}{
		{"RUNNING", RunStateRunning},
		{"PENDING_REDRIVE", RunStateRunning},
		{"SUCCEEDED", RunStateSuccess},
		{"FAILED", RunStateFailed},
		{"TIMED_OUT", RunStateFailed},
		{"ABORTED", RunStateCancelled},
		{"succeeded", RunStateSuccess},
		{"", RunStateUnknown},
		{"PAUSED", RunStateUnknown},
	}
	for _, tt := range tests {
		if got := MapStatus(tt.status); got != tt.want {
			t.Errorf("MapStatus(%q) = %q, want %q", tt.status, got, tt.want)
		}
	}
}
