package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

func machineARN(i int) string {
	return fmt.Sprintf("arn:aws:states:eu-west-1:123456789012:stateMachine:sm-%04d", i)
}

// discoveryFake serves n state machines in pages of pageSize; describe answers for each.
func discoveryFake(n, pageSize int, describe func(ctx context.Context, arn string, i int) (*sfn.DescribeStateMachineOutput, error)) *fakeClient {
	return &fakeClient{
		listStateMachines: func(_ context.Context, in *sfn.ListStateMachinesInput) (*sfn.ListStateMachinesOutput, error) {
			start := 0
			if in.NextToken != nil {
				fmt.Sscanf(*in.NextToken, "page-%d", &start)
			}
			out := &sfn.ListStateMachinesOutput{}
			for i := start; i < min(start+pageSize, n); i++ {
				out.StateMachines = append(out.StateMachines, types.StateMachineListItem{
					StateMachineArn: aws.String(machineARN(i)), Name: aws.String(fmt.Sprintf("sm-%04d", i)),
					Type: types.StateMachineTypeStandard, CreationDate: aws.Time(t0),
				})
			}
			if start+pageSize < n {
				out.NextToken = aws.String(fmt.Sprintf("page-%d", start+pageSize))
			}
			return out, nil
		},
		describeStateMachine: func(ctx context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			var i int
			fmt.Sscanf(aws.ToString(in.StateMachineArn), "arn:aws:states:eu-west-1:123456789012:stateMachine:sm-%d", &i)
			return describe(ctx, aws.ToString(in.StateMachineArn), i)
		},
	}
}

func describeOK(_ context.Context, arn string, i int) (*sfn.DescribeStateMachineOutput, error) {
	typ := types.StateMachineTypeStandard
	if i%2 == 1 {
		typ = types.StateMachineTypeExpress
	}
	return &sfn.DescribeStateMachineOutput{
		StateMachineArn: aws.String(arn), Name: aws.String(fmt.Sprintf("sm-%04d", i)), Type: typ,
		RoleArn: aws.String("arn:aws:iam::123456789012:role/sfn"), Status: types.StateMachineStatusActive,
		Description: aws.String("machine"), CreationDate: aws.Time(t0.Add(time.Duration(i) * time.Second)),
		LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelAll},
		TracingConfiguration: &types.TracingConfiguration{Enabled: true}, RevisionId: aws.String("rev"),
	}, nil
}

func TestListJobs(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		deleted  map[int]bool
		wantJobs int
	}{
		{"none", 0, nil, 0},
		{"one page", 5, nil, 5},
		{"three pages", 2500, nil, 2500},
		{"deleted between list and describe", 30, map[int]bool{0: true, 7: true, 29: true}, 27},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := discoveryFake(tt.n, 1000, func(ctx context.Context, arn string, i int) (*sfn.DescribeStateMachineOutput, error) {
				if tt.deleted[i] {
					return nil, &types.StateMachineDoesNotExist{Message: aws.String("State Machine Does Not Exist")}
				}
				return describeOK(ctx, arn, i)
			})
			var pageSizes []int32
			list := f.listStateMachines
			var mu sync.Mutex
			f.listStateMachines = func(ctx context.Context, in *sfn.ListStateMachinesInput) (*sfn.ListStateMachinesOutput, error) {
				mu.Lock()
				pageSizes = append(pageSizes, in.MaxResults)
				mu.Unlock()
				return list(ctx, in)
			}
			p := testProvider(t, f, Config{}, nil)
			jobs, err := p.ListJobs(context.Background())
			if err != nil {
				t.Fatalf("ListJobs() error = %v", err)
			}
			if len(jobs) != tt.wantJobs {
				t.Fatalf("ListJobs() returned %d jobs, want %d", len(jobs), tt.wantJobs)
			}
			for i, p := range pageSizes {
				if p != 1000 {
					t.Errorf("page %d maxResults = %d, want 1000", i, p)
				}
			}
			if want := max(1, (tt.n+999)/1000); len(pageSizes) != want {
				t.Errorf("ListStateMachines called %d times, want %d", len(pageSizes), want)
			}
			prev := -1
			for _, j := range jobs {
				var i int
				fmt.Sscanf(j.ID, "arn:aws:states:eu-west-1:123456789012:stateMachine:sm-%d", &i)
				if i <= prev {
					t.Fatalf("jobs out of list order: %s after sm-%04d", j.ID, prev)
				}
				prev = i
				if tt.deleted[i] {
					t.Errorf("deleted machine %s returned", j.ID)
				}
				wantType := TypeStandard
				if i%2 == 1 {
					wantType = TypeExpress
				}
				want := Job{ID: machineARN(i), Name: fmt.Sprintf("sm-%04d", i), Type: wantType, RoleARN: "arn:aws:iam::123456789012:role/sfn",
					Status: "ACTIVE", Description: "machine", CreatedAt: t0.Add(time.Duration(i) * time.Second),
					LoggingLevel: "ALL", TracingEnabled: true, RevisionID: "rev"}
				if j.ID != want.ID || j.Name != want.Name || j.Type != want.Type || j.RoleARN != want.RoleARN || j.Status != want.Status ||
					j.Description != want.Description || !j.CreatedAt.Equal(want.CreatedAt) || j.LoggingLevel != want.LoggingLevel ||
					j.TracingEnabled != want.TracingEnabled || j.RevisionID != want.RevisionID || j.Parameters != nil {
					t.Errorf("job = %+v, want %+v", j, want)
				}
			}
		})
	}
}

func TestListJobsCachesTypes(t *testing.T) {
	f := discoveryFake(2, 1000, describeOK)
	p := testProvider(t, f, Config{}, nil)
	if _, err := p.ListJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.startSyncExecution = syncOK(types.SyncExecutionStatusSucceeded, "{}", "", "")
	before := f.count("DescribeStateMachine")
	run, err := p.ExecutePipeline(context.Background(), Job{ID: machineARN(1)}, nil)
	if err != nil || run.Status == nil {
		t.Fatalf("ExecutePipeline(express job with ID only) = %+v, %v; want an ended Express run", run, err)
	}
	if f.count("DescribeStateMachine") != before {
		t.Errorf("ExecutePipeline described the machine again; discovery should have cached its type")
	}
}

func TestListJobsBoundedConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int32
	f := discoveryFake(200, 1000, func(ctx context.Context, arn string, i int) (*sfn.DescribeStateMachineOutput, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(200 * time.Microsecond)
		return describeOK(ctx, arn, i)
	})
	p := testProvider(t, f, Config{DiscoveryConcurrency: 3}, nil)
	jobs, err := p.ListJobs(context.Background())
	if err != nil || len(jobs) != 200 {
		t.Fatalf("ListJobs() = %d jobs, %v", len(jobs), err)
	}
	if got := peak.Load(); got > 3 {
		t.Errorf("peak concurrent DescribeStateMachine calls = %d, want at most 3", got)
	}
}

func TestListJobsErrors(t *testing.T) {
	t.Run("describe failure fails discovery", func(t *testing.T) {
		f := discoveryFake(50, 1000, func(ctx context.Context, arn string, i int) (*sfn.DescribeStateMachineOutput, error) {
			if i == 20 {
				return nil, genericErr("AccessDeniedException")
			}
			return describeOK(ctx, arn, i)
		})
		p := testProvider(t, f, Config{}, nil)
		_, err := p.ListJobs(context.Background())
		if !errors.Is(err, ErrAccessDenied) || !errors.As(err, new(*Error)) {
			t.Fatalf("ListJobs() error = %v, want ErrAccessDenied", err)
		}
		var e *Error
		errors.As(err, &e)
		if e.Resource != machineARN(20) {
			t.Errorf("error resource = %q, want %s", e.Resource, machineARN(20))
		}
	})
	t.Run("list failure", func(t *testing.T) {
		f := &fakeClient{listStateMachines: func(context.Context, *sfn.ListStateMachinesInput) (*sfn.ListStateMachinesOutput, error) {
			return nil, genericErr("AccessDeniedException")
		}}
		p := testProvider(t, f, Config{}, nil)
		_, err := p.ListJobs(context.Background())
		if !errors.Is(err, ErrAccessDenied) || !contains(err, `states:ListStateMachines on resource "*"`) {
			t.Fatalf("ListJobs() error = %v, want ErrAccessDenied naming states:ListStateMachines on *", err)
		}
	})
	t.Run("cancellation stops promptly", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var described atomic.Int32
		f := discoveryFake(2000, 1000, func(ctx context.Context, arn string, i int) (*sfn.DescribeStateMachineOutput, error) {
			if described.Add(1) == 10 {
				cancel()
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return describeOK(ctx, arn, i)
		})
		p := testProvider(t, f, Config{DiscoveryConcurrency: 2}, nil)
		_, err := p.ListJobs(ctx)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ListJobs() error = %v, want context.Canceled", err)
		}
		if n := described.Load(); n > 20 {
			t.Errorf("%d DescribeStateMachine calls after cancellation at the 10th, want few", n)
		}
	})
	t.Run("rate limited wait honours the context", func(t *testing.T) {
		f := discoveryFake(5, 1000, describeOK)
		limits := unlimited()
		limits[sfnops.DescribeStateMachine] = RateLimit{PerSecond: 0.001, Burst: 1}
		p := testProvider(t, f, Config{RateLimits: limits}, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := p.ListJobs(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("ListJobs() error = %v, want context.DeadlineExceeded", err)
		}
	})
}

func contains(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }

func BenchmarkListJobs(b *testing.B) {
	for _, n := range []int{100, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := discoveryFake(n, 1000, describeOK)
			f.t = &testing.T{}
			p, err := newProvider(f, Config{Region: "eu-west-1", RateLimits: unlimited()})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				jobs, err := p.ListJobs(context.Background())
				if err != nil || len(jobs) != n {
					b.Fatalf("ListJobs() = %d, %v", len(jobs), err)
				}
			}
		})
	}
}

// Discovery and type lookups need no definition. Asking for metadata only keeps state machines whose definition
// is encrypted with a customer managed KMS key describable without kms:Decrypt, and spares transferring
// definitions of up to 1 MB each.
func TestDescribeStateMachineAsksForMetadataOnly(t *testing.T) {
	encrypted := func(ctx context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
		if in.IncludedData != types.IncludedDataMetadataOnly {
			return nil, &types.KmsAccessDeniedException{Message: aws.String("caller lacks kms:Decrypt for the definition")}
		}
		var i int
		fmt.Sscanf(aws.ToString(in.StateMachineArn), "arn:aws:states:eu-west-1:123456789012:stateMachine:sm-%d", &i)
		return describeOK(ctx, aws.ToString(in.StateMachineArn), i)
	}
	tests := []struct {
		name string
		call func(p *Provider) error
	}{
		{"ListJobs", func(p *Provider) error {
			jobs, err := p.ListJobs(context.Background())
			if err == nil && len(jobs) != 3 {
				return fmt.Errorf("%d jobs, want 3", len(jobs))
			}
			return err
		}},
		{"ExecutePipeline without a type", func(p *Provider) error {
			_, err := p.ExecutePipeline(context.Background(), Job{ID: machineARN(2)}, nil)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := discoveryFake(3, 1000, describeOK)
			f.describeStateMachine = encrypted
			f.startExecution = startOK(nil, nil)
			p := testProvider(t, f, Config{}, nil)
			if err := tt.call(p); err != nil {
				t.Errorf("%s error = %v, want success without the definition", tt.name, err)
			}
		})
	}
}
