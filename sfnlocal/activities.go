package sfnlocal

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/polysync/stepfunctions/internal/asl"
)

const (
	// maxActivities is how many activities an account may have.
	maxActivities = 10_000
	// maxActivityPollers is how many GetActivityTask calls may wait on one
	// activity at once.
	maxActivityPollers = 1000
	// activityPollTime is how long GetActivityTask waits for a task.
	activityPollTime = 60 * time.Second
)

// activity is an activity: a queue of tasks that workers take with
// GetActivityTask. The server's mutex guards it.
type activity struct {
	arn, name string
	created   time.Time
	seq       int64
	tags      []tag
	queue     []*pendingTask // tasks no worker has taken, oldest first
	notify    chan struct{}  // closed (and replaced) when a task is queued
	pollers   int
}

// activityARN returns the ARN of the activity called name.
func (s *Server) activityARN(name string) string {
	return "arn:" + partitionOf(s.cfg.region) + ":states:" + s.cfg.region + ":" + s.cfg.accountID + ":activity:" + name
}

// isActivityARN reports whether arn has the form of an activity ARN.
func isActivityARN(arn string) bool {
	p := strings.SplitN(arn, ":", 7)
	return len(p) == 7 && p[0] == "arn" && p[2] == "states" && p[5] == "activity" && checkName(p[6]) == ""
}

// lookupActivity finds an activity. The caller holds s.mu.
func (s *Server) lookupActivity(arn string) (*activity, error) {
	return lookup(s.activities, arn, isActivityARN(arn), "ActivityDoesNotExist", "Activity Does Not Exist")
}

type createActivityInput struct {
	Name string `json:"name" sfn:"required"`
	Tags []tag  `json:"tags"`
}

func (in *createActivityInput) validate() error {
	if err := invalidName(in.Name, checkName); err != nil {
		return err
	}
	return checkTags(in.Tags)
}

type createActivityOutput struct {
	ActivityArn  string `json:"activityArn"`
	CreationDate *epoch `json:"creationDate"`
}

// createActivity answers CreateActivity, which is idempotent by name. It runs
// under s.mu (see locked).
func (s *Server) createActivity(_ context.Context, in *createActivityInput) (*createActivityOutput, error) {
	arn := s.activityARN(in.Name)
	if a := s.activities[arn]; a != nil {
		return &createActivityOutput{ActivityArn: a.arn, CreationDate: ep(a.created)}, nil
	}
	if len(s.activities) >= maxActivities {
		return nil, errf("ActivityLimitExceeded", "Activity Limit Exceeded: the account has %d activities", maxActivities)
	}
	a := &activity{arn: arn, name: in.Name, created: s.cfg.clock.Now(), seq: s.nextSeq(), tags: mergeTags(nil, in.Tags),
		notify: make(chan struct{})}
	s.activities[arn] = a
	return &createActivityOutput{ActivityArn: a.arn, CreationDate: ep(a.created)}, nil
}

type activityArnInput struct {
	ActivityArn string `json:"activityArn" sfn:"required"`
}

// activityListItem is the wire form of an ActivityListItem, whose members
// DescribeActivity answers too.
type activityListItem struct {
	ActivityArn  string `json:"activityArn"`
	Name         string `json:"name"`
	CreationDate *epoch `json:"creationDate"`
}

func (a *activity) summary() activityListItem {
	return activityListItem{ActivityArn: a.arn, Name: a.name, CreationDate: ep(a.created)}
}

// describeActivity answers DescribeActivity. It runs under s.mu.
func (s *Server) describeActivity(_ context.Context, in *activityArnInput) (*activityListItem, error) {
	a, err := s.lookupActivity(in.ActivityArn)
	if err != nil {
		return nil, err
	}
	out := a.summary()
	return &out, nil
}

// deleteActivity answers DeleteActivity. Tasks already scheduled on the
// activity wait until they time out or their execution ends. It runs under
// s.mu.
func (s *Server) deleteActivity(_ context.Context, in *activityArnInput) (*empty, error) {
	if !isActivityARN(in.ActivityArn) {
		return nil, invalidArn(in.ActivityArn)
	}
	delete(s.activities, in.ActivityArn) // UNCONFIRMED: AWS is believed to answer {} for an unknown activity too
	return &empty{}, nil
}

type listActivitiesInput struct {
	pageInput
}

// listActivities answers ListActivities, oldest first. It runs under s.mu.
func (s *Server) listActivities(_ context.Context, in *listActivitiesInput) (*listOutput[activityListItem], error) {
	all := make([]*activity, 0, len(s.activities))
	for _, a := range s.activities {
		all = append(all, a)
	}
	slices.SortFunc(all, func(a, b *activity) int { return int(a.seq - b.seq) })
	return listPage(s, "activities", "ListActivities", all, func(a *activity) string { return seqKey(a.seq) }, false,
		in.pageInput, (*activity).summary)
}

type getActivityTaskInput struct {
	ActivityArn string  `json:"activityArn" sfn:"required"`
	WorkerName  *string `json:"workerName" sfn:"min=1,max=80"`
}

type getActivityTaskOutput struct {
	TaskToken string  `json:"taskToken,omitempty"`
	Input     *string `json:"input,omitempty"`
}

// getActivityTask answers GetActivityTask: it hands out the oldest task of
// the activity, waiting up to 60 seconds (on the server's clock) for one. It
// answers no task when the wait ends, and gives up when the client goes
// away or the server closes.
func (s *Server) getActivityTask(ctx context.Context, in *getActivityTaskInput) (*getActivityTaskOutput, error) {
	deadline, stop := asl.AfterStop(s.cfg.clock, activityPollTime)
	defer stop()
	s.mu.Lock()
	a, err := s.lookupActivity(in.ActivityArn)
	if err == nil && a.pollers >= maxActivityPollers {
		err = errf("ActivityWorkerLimitExceeded", "Activity Worker Limit Exceeded: %d workers already poll '%s'", maxActivityPollers, a.arn)
	}
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	a.pollers++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		a.pollers--
		s.mu.Unlock()
	}()
	for {
		s.mu.Lock()
		var p *pendingTask
		if len(a.queue) > 0 {
			p = a.queue[0]
			a.queue[0] = nil
			a.queue = a.queue[1:]
		}
		notify := a.notify
		s.mu.Unlock()
		if p != nil {
			if s.callbacks.start(p, orEmpty(in.WorkerName), s.cfg.clock.Now()) {
				input := string(p.input)
				return &getActivityTaskOutput{TaskToken: p.token, Input: &input}, nil
			}
			continue // the task ended while queued
		}
		select {
		case <-notify:
		case <-deadline:
			return &getActivityTaskOutput{}, nil
		case <-s.closing:
			return &getActivityTaskOutput{}, nil
		case <-ctx.Done():
			return nil, fmt.Errorf("get activity task: %w", ctx.Err())
		}
	}
}

// runActivity runs an activity task: it queues the task for a worker and
// waits for its outcome. An activity that does not exist fails the state
// with ActivityScheduleFailed.
func (s *Server) runActivity(ctx context.Context, call *asl.TaskCall) (json.RawMessage, error) {
	s.mu.Lock()
	a := s.activities[call.Resource]
	if a == nil {
		s.mu.Unlock()
		// UNCONFIRMED: the error name AWS records in ActivityScheduleFailed.
		return nil, &asl.ScheduleError{Name: "States.Runtime", Cause: fmt.Sprintf("Activity does not exist: '%s'", call.Resource)}
	}
	p := s.callbacks.add(call.Token, ctx.Done(), call.Heartbeat, s.cfg.clock.Now(), call.Input, call.Started)
	a.queue = append(a.queue, p)
	close(a.notify)
	a.notify = make(chan struct{})
	s.mu.Unlock()
	defer func() {
		s.callbacks.remove(p)
		s.mu.Lock()
		if i := slices.Index(a.queue, p); i >= 0 {
			a.queue = slices.Delete(a.queue, i, i+1)
		}
		s.mu.Unlock()
	}()
	return s.callbacks.await(ctx, s.cfg.clock, p)
}
