package stepfunctions

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const (
	healthARN = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	healthDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
)

func findingCodes(fs []Finding) []string {
	var codes []string
	for _, f := range fs {
		codes = append(codes, f.Code)
	}
	return codes
}

// checkFake is a fake whose DescribeStateMachine answers d (with the definition only when asked for it) and
// whose ValidateStateMachineDefinition answers diags.
func checkFake(t *testing.T, d sfn.DescribeStateMachineOutput, diags *sfn.ValidateStateMachineDefinitionOutput) *fakeClient {
	return &fakeClient{
		describeStateMachine: func(_ context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			out := d
			out.StateMachineArn = in.StateMachineArn
			if in.IncludedData != types.IncludedDataMetadataOnly {
				out.Definition = aws.String(healthDef)
			}
			return &out, nil
		},
		validateDefinition: func(_ context.Context, in *sfn.ValidateStateMachineDefinitionInput) (*sfn.ValidateStateMachineDefinitionOutput, error) {
			if aws.ToString(in.Definition) != healthDef || in.Severity != types.ValidateStateMachineDefinitionSeverityWarning ||
				in.Type != d.Type && !(d.Type == "" && in.Type == types.StateMachineTypeStandard) {
				t.Errorf("ValidateStateMachineDefinition(%q, %s, %s): want the machine's definition, its type, severity WARNING",
					aws.ToString(in.Definition), in.Type, in.Severity)
			}
			if diags == nil {
				return &sfn.ValidateStateMachineDefinitionOutput{Result: types.ValidateStateMachineDefinitionResultCodeOk}, nil
			}
			return diags, nil
		},
	}
}

func TestCheckJobHealthyStandard(t *testing.T) {
	f := checkFake(t, sfn.DescribeStateMachineOutput{Type: types.StateMachineTypeStandard}, nil)
	fs, err := testProvider(t, f, Config{}, nil).CheckJob(context.Background(), Job{ID: healthARN})
	if err != nil || len(fs) != 0 || f.count("ValidateStateMachineDefinition") != 1 {
		t.Errorf("CheckJob() = %+v, %v after %d validations; want no findings after one", fs, err, f.count("ValidateStateMachineDefinition"))
	}
}

func TestCheckJobReportsDiagnostics(t *testing.T) {
	f := checkFake(t, sfn.DescribeStateMachineOutput{Type: types.StateMachineTypeExpress, LoggingConfiguration: &types.LoggingConfiguration{
		Level: types.LogLevelAll, IncludeExecutionData: true, Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{
			LogGroupArn: aws.String("arn:aws:logs:eu-west-1:111122223333:log-group:orders:*")}}}}},
		&sfn.ValidateStateMachineDefinitionOutput{Result: types.ValidateStateMachineDefinitionResultCodeOk, Truncated: aws.Bool(true),
			Diagnostics: []types.ValidateStateMachineDefinitionDiagnostic{
				{Code: aws.String("UNREACHABLE_STATE"), Message: aws.String("state Q is never entered"), Location: aws.String("/States/Q"),
					Severity: types.ValidateStateMachineDefinitionSeverityWarning},
				{Code: aws.String("SCHEMA_VALIDATION_FAILED"), Message: aws.String("bad field"),
					Severity: types.ValidateStateMachineDefinitionSeverityError}}})
	fs, err := testProvider(t, f, Config{}, nil).CheckJob(context.Background(), Job{ID: healthARN})
	if err != nil {
		t.Fatalf("CheckJob() error = %v", err)
	}
	if want := []string{"UNREACHABLE_STATE", "SCHEMA_VALIDATION_FAILED", FindingDiagnosticsTruncated}; !slices.Equal(findingCodes(fs), want) {
		t.Fatalf("CheckJob() codes = %v, want %v (an Express job logging ALL with data has no logging finding)", findingCodes(fs), want)
	}
	if m := fs[0].Message; !strings.Contains(m, "/States/Q") || !strings.Contains(m, "warning state Q is never entered") || fs[0].Fix == "" {
		t.Errorf("warning finding = %+v, want the location, severity and message, and a fix", fs[0])
	}
	if !strings.Contains(fs[1].Fix, "refuse") {
		t.Errorf("error finding = %+v, want a fix saying Step Functions would refuse the definition", fs[1])
	}
}

func TestCheckJobExpressLogging(t *testing.T) {
	for _, tc := range []struct {
		name    string
		logging *types.LoggingConfiguration
		fix     string
	}{
		{"no logging", nil, "level ALL"},
		{"level ERROR", &types.LoggingConfiguration{Level: types.LogLevelError}, "level to ALL"},
		{"no execution data", &types.LoggingConfiguration{Level: types.LogLevelAll, Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{
			LogGroupArn: aws.String("arn:aws:logs:eu-west-1:111122223333:log-group:orders:*")}}}}, "includeExecutionData"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := checkFake(t, sfn.DescribeStateMachineOutput{Type: types.StateMachineTypeExpress, LoggingConfiguration: tc.logging}, nil)
			fs, err := testProvider(t, f, Config{}, nil).CheckJob(context.Background(), Job{ID: healthARN})
			if err != nil || len(fs) != 1 || fs[0].Code != FindingExpressResultsNotInLogs || !strings.Contains(fs[0].Fix, tc.fix) {
				t.Errorf("CheckJob() = %+v, %v; want one %s whose fix says %q", fs, err, FindingExpressResultsNotInLogs, tc.fix)
			}
		})
	}
}

func TestCheckJobKMS(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code string
	}{
		{&types.KmsAccessDeniedException{Message: aws.String("denied")}, FindingKMSAccessDenied},
		{&types.KmsInvalidStateException{Message: aws.String("disabled"), KmsKeyState: types.KmsKeyStateDisabled}, FindingKMSKeyUnusable},
	} {
		f := &fakeClient{describeStateMachine: func(_ context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			if in.IncludedData != types.IncludedDataMetadataOnly {
				return nil, tc.err
			}
			return &sfn.DescribeStateMachineOutput{Type: types.StateMachineTypeExpress}, nil
		}}
		fs, err := testProvider(t, f, Config{}, nil).CheckJob(context.Background(), Job{ID: healthARN})
		if want := []string{tc.code, FindingExpressResultsNotInLogs}; err != nil || !slices.Equal(findingCodes(fs), want) {
			t.Errorf("CheckJob() = %+v, %v; want codes %v (the metadata is read without the key)", fs, err, want)
		}
		if len(fs) > 0 && fs[0].Fix == "" {
			t.Errorf("finding %+v has no fix", fs[0])
		}
	}
}

func TestCheckJobAlias(t *testing.T) {
	const alias = healthARN + ":prod"
	for _, tc := range []struct {
		name   string
		routes []types.RoutingConfigurationListItem
		want   []string
	}{
		{"two versions", []types.RoutingConfigurationListItem{
			{StateMachineVersionArn: aws.String(healthARN + ":3"), Weight: 90}, {StateMachineVersionArn: aws.String(healthARN + ":4"), Weight: 10}},
			[]string{FindingAliasSplitsRuns, "W", "W"}},
		{"one version", []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(healthARN + ":3"), Weight: 100}},
			[]string{"W"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := checkFake(t, sfn.DescribeStateMachineOutput{Type: types.StateMachineTypeStandard}, &sfn.ValidateStateMachineDefinitionOutput{
				Diagnostics: []types.ValidateStateMachineDefinitionDiagnostic{{Code: aws.String("W"), Message: aws.String("m"),
					Severity: types.ValidateStateMachineDefinitionSeverityWarning}}})
			f.describeAlias = func(_ context.Context, in *sfn.DescribeStateMachineAliasInput) (*sfn.DescribeStateMachineAliasOutput, error) {
				return &sfn.DescribeStateMachineAliasOutput{StateMachineAliasArn: in.StateMachineAliasArn, RoutingConfiguration: tc.routes}, nil
			}
			fs, err := testProvider(t, f, Config{}, nil).CheckJob(context.Background(), Job{ID: alias})
			if err != nil || !slices.Equal(findingCodes(fs), tc.want) {
				t.Fatalf("CheckJob(alias) = %+v, %v; want codes %v", fs, err, tc.want)
			}
			if len(tc.routes) == 2 {
				if m := fs[0].Message; !strings.Contains(m, "version 3 (90%)") || !strings.Contains(m, "version 4 (10%)") {
					t.Errorf("alias finding = %q, want both versions with their weights", m)
				}
				if !strings.Contains(fs[2].Message, "(version 4)") {
					t.Errorf("diagnostic of the second version = %q, want it to name version 4", fs[2].Message)
				}
			}
		})
	}
}

func TestCheckJobErrors(t *testing.T) {
	f := &fakeClient{describeStateMachine: func(context.Context, *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
		return nil, &types.StateMachineDoesNotExist{Message: aws.String("gone")}
	}}
	p := testProvider(t, f, Config{}, nil)
	if _, err := p.CheckJob(context.Background(), Job{ID: healthARN}); !errors.Is(err, ErrStateMachineNotFound) {
		t.Errorf("CheckJob(deleted) error = %v, want ErrStateMachineNotFound", err)
	}
	if _, err := p.CheckJob(context.Background(), Job{ID: "orders"}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("CheckJob(bad ID) error = %v, want ErrInvalidInput", err)
	}
}

// TestWireCheckJob goes through the real SDK client: a KMS-encrypted Express machine whose key the caller cannot
// use, and a definition with a warning.
func TestWireCheckJob(t *testing.T) {
	w := newWireServer(t)
	w.handle("DescribeStateMachine", func(body map[string]any) (int, any) {
		if body["includedData"] != "METADATA_ONLY" {
			return apiError("KmsAccessDeniedException", "User is not authorized to perform kms:Decrypt")
		}
		return http.StatusOK, map[string]any{"stateMachineArn": body["stateMachineArn"], "name": "orders", "status": "ACTIVE",
			"type": "EXPRESS", "roleArn": "arn:aws:iam::111122223333:role/r", "creationDate": 1.7e9, "definition": "",
			"loggingConfiguration": map[string]any{"level": "OFF"}}
	})
	fs, err := w.provider(Config{}).CheckJob(context.Background(), Job{ID: healthARN})
	if want := []string{FindingKMSAccessDenied, FindingExpressResultsNotInLogs}; err != nil || !slices.Equal(findingCodes(fs), want) {
		t.Fatalf("CheckJob() = %+v, %v; want codes %v", fs, err, want)
	}

	w = newWireServer(t)
	w.handle("DescribeStateMachine", func(body map[string]any) (int, any) {
		return http.StatusOK, map[string]any{"stateMachineArn": body["stateMachineArn"], "name": "orders", "status": "ACTIVE",
			"type": "STANDARD", "roleArn": "arn:aws:iam::111122223333:role/r", "creationDate": 1.7e9, "definition": healthDef}
	})
	w.handle("ValidateStateMachineDefinition", func(body map[string]any) (int, any) {
		return http.StatusOK, map[string]any{"result": "OK", "truncated": false, "diagnostics": []any{map[string]any{
			"severity": "WARNING", "code": "UNREACHABLE_STATE", "message": "never entered", "location": "/States/Q"}}}
	})
	fs, err = w.provider(Config{}).CheckJob(context.Background(), Job{ID: healthARN})
	if err != nil || len(fs) != 1 || fs[0].Code != "UNREACHABLE_STATE" {
		t.Fatalf("CheckJob() = %+v, %v; want one UNREACHABLE_STATE", fs, err)
	}
	v := w.calls("ValidateStateMachineDefinition")
	if len(v) != 1 || v[0].body["definition"] != healthDef || v[0].body["severity"] != "WARNING" || v[0].body["type"] != "STANDARD" {
		t.Errorf("ValidateStateMachineDefinition requests = %+v, want one with the definition, severity WARNING, type STANDARD", v)
	}
}
