package stepfunctions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/sfnlocal"
)

// exampleJob serves a state machine that doubles its input's n on the embedded endpoint, and returns a
// Provider on it with the job. While gate is open (not nil and not closed), the task waits for it to close.
func exampleJob(gate chan struct{}) (*stepfunctions.Provider, stepfunctions.Job, func()) {
	ctx := context.Background()
	srv := sfnlocal.New(sfnlocal.WithRegion("eu-west-1"))
	srv.RegisterTask("arn:aws:lambda:eu-west-1:123456789012:function:double",
		func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
			var v struct{ N int }
			if err := json.Unmarshal(in, &v); err != nil {
				return nil, err
			}
			if gate != nil {
				<-gate
			}
			return json.Marshal(map[string]int{"doubled": 2 * v.N})
		})
	endpoint, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	admin := sfn.New(sfn.Options{Region: "eu-west-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
	created, err := admin.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("double"), RoleArn: aws.String("arn:aws:iam::123456789012:role/demo"),
		Definition: aws.String(`{"StartAt":"Double","States":{"Double":{"Type":"Task",` +
			`"Resource":"arn:aws:lambda:eu-west-1:123456789012:function:double","End":true}}}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	p, err := stepfunctions.New(ctx, stepfunctions.Config{Region: "eu-west-1", Endpoint: endpoint,
		Credentials: auth.Static("AKIDEXAMPLE", "secret", "")})
	if err != nil {
		log.Fatal(err)
	}
	return p, stepfunctions.Job{ID: aws.ToString(created.StateMachineArn)}, func() { _ = srv.Close() }
}

func ExampleProvider_WaitPipelineRun() {
	ctx := context.Background()
	gate := make(chan struct{}) // the run ends once it has been seen running
	p, job, stop := exampleJob(gate)
	defer stop()
	params := []stepfunctions.Parameter{
		{Name: "n", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeNumber, Value: "21"},
		{Name: "doubled", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
	}
	run, err := p.ExecutePipeline(ctx, job, params)
	if err != nil {
		log.Fatal(err)
	}
	// Every WaitPipelineRun of the Provider shares its lookups with the others.
	st, err := p.WaitPipelineRun(ctx, run.RunID, params,
		stepfunctions.WithPollInterval(10*time.Millisecond),
		stepfunctions.WithStateChange(func(s stepfunctions.RunStatus) {
			fmt.Println("now", s.State)
			if s.State == stepfunctions.RunStateRunning {
				close(gate)
			}
		}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Parameters[1].Name, "=", st.Parameters[1].Value)
	// Output:
	// now Running
	// now Success
	// doubled = 42
}

func ExampleProvider_GetPipelineRunStatuses() {
	ctx := context.Background()
	p, job, stop := exampleJob(nil)
	defer stop()
	out := []stepfunctions.Parameter{{Name: "doubled", Direction: stepfunctions.DirectionOutput}}
	var refs []stepfunctions.RunRef
	for n := range 5 {
		in := stepfunctions.Parameter{Name: "n", DataType: stepfunctions.DataTypeNumber, Value: fmt.Sprint(n)}
		params := append([]stepfunctions.Parameter{in}, out...)
		run, err := p.ExecutePipeline(ctx, job, params)
		if err != nil {
			log.Fatal(err)
		}
		refs = append(refs, stepfunctions.RunRef{RunID: run.RunID, Parameters: params})
	}
	// One sweep: a listing of the state machine's running executions, and a description of each run that
	// has ended. Poll until every run has ended.
	for {
		results := p.GetPipelineRunStatuses(ctx, refs)
		ended := 0
		for _, r := range results {
			if r.Err != nil {
				log.Fatal(r.Err)
			}
			if r.Status.State != stepfunctions.RunStateRunning {
				ended++
			}
		}
		if ended == len(refs) {
			for _, r := range results {
				fmt.Println(r.Status.State, r.Status.Parameters[1].Value)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Output:
	// Success 0
	// Success 2
	// Success 4
	// Success 6
	// Success 8
}
