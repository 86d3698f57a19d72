package stepfunctions_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/auth"
)

// fakeSFN is what a host's unit test writes: it embeds SFNClient, so it needs only the methods the test calls
// (any other would panic on the nil embedded interface).
type fakeSFN struct {
	stepfunctions.SFNClient
	started []string
}

func (f *fakeSFN) StartExecution(_ context.Context, in *sfn.StartExecutionInput, _ ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	f.started = append(f.started, aws.ToString(in.Input))
	return &sfn.StartExecutionOutput{StartDate: aws.Time(time.Unix(1700000000, 0)),
		ExecutionArn: aws.String("arn:aws:states:eu-west-1:123456789012:execution:orders:" + aws.ToString(in.Name))}, nil
}

func (f *fakeSFN) DescribeExecution(_ context.Context, in *sfn.DescribeExecutionInput, _ ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error) {
	if len(f.started) == 0 {
		return nil, &smithy.GenericAPIError{Code: "ExecutionDoesNotExist", Message: "Execution Does Not Exist"}
	}
	return &sfn.DescribeExecutionOutput{ExecutionArn: in.ExecutionArn, Status: types.ExecutionStatusSucceeded,
		Output: aws.String(`{"total": 42}`)}, nil
}

func ExampleNewWithClient() {
	ctx := context.Background()
	fake := &fakeSFN{}
	p, err := stepfunctions.NewWithClient(fake, stepfunctions.Config{Region: "eu-west-1"})
	if err != nil {
		panic(err)
	}
	params := []stepfunctions.Parameter{
		{Name: "orderId", Value: "A-1"},
		{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
	}
	job := stepfunctions.Job{ID: "arn:aws:states:eu-west-1:123456789012:stateMachine:orders", Type: stepfunctions.TypeStandard}
	run, err := p.ExecutePipeline(ctx, job, params)
	if err != nil {
		panic(err)
	}
	st, err := p.GetPipelineRunStatus(ctx, run.RunID, params)
	if err != nil {
		panic(err)
	}
	fmt.Println(fake.started[0])
	fmt.Println(st.State, st.Parameters[1].Value)
	// Output:
	// {"orderId":"A-1"}
	// Success 42
}

func TestNewWithClientRefusesClientSettings(t *testing.T) {
	var nilClient *fakeSFN
	tests := []struct {
		name   string
		client stepfunctions.SFNClient
		cfg    stepfunctions.Config
		want   string
	}{
		{"nil client", nil, stepfunctions.Config{Region: "eu-west-1"}, "client is nil"},
		{"nil pointer", nilClient, stepfunctions.Config{Region: "eu-west-1"}, "client is nil"},
		{"no region", &fakeSFN{}, stepfunctions.Config{}, "Config.Region is required"},
		{"credentials", &fakeSFN{}, stepfunctions.Config{Region: "eu-west-1", Credentials: auth.Default()}, "Config.Credentials"},
		{"endpoint", &fakeSFN{}, stepfunctions.Config{Region: "eu-west-1", Endpoint: "http://127.0.0.1:1"}, "Config.Endpoint"},
		{"attempts", &fakeSFN{}, stepfunctions.Config{Region: "eu-west-1", MaxAttempts: 3}, "Config.MaxAttempts"},
		{"attempt timeout", &fakeSFN{}, stepfunctions.Config{Region: "eu-west-1", AttemptTimeout: time.Second}, "Config.AttemptTimeout"},
		{"logs endpoint", &fakeSFN{}, stepfunctions.Config{Region: "eu-west-1", LogsEndpoint: "http://127.0.0.1:1"}, "Config.LogsEndpoint"},
		{"async Express", &fakeSFN{}, stepfunctions.Config{Region: "eu-west-1", ExpressMode: stepfunctions.ExpressAsync}, "ExpressAsync needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := stepfunctions.NewWithClient(tt.client, tt.cfg)
			if !errors.Is(err, stepfunctions.ErrInvalidInput) || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewWithClient() error = %v, want ErrInvalidInput naming %q", err, tt.want)
			}
		})
	}
}
