package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sfn "github.com/polysync/stepfunctions"
)

func TestParseParams(t *testing.T) {
	tests := []struct {
		name    string
		inputs  []string
		outputs []string
		want    []sfn.Parameter
		wantErr string
	}{
		{
			name:   "type defaults to string and the value keeps = and :",
			inputs: []string{"query=a=b:c"},
			want:   []sfn.Parameter{{Name: "query", Direction: sfn.DirectionInput, DataType: "string", Value: "a=b:c"}},
		},
		{
			name:   "typed values",
			inputs: []string{"n:number=3", "ok:boolean=true", `doc:json={"a":1}`},
			want: []sfn.Parameter{
				{Name: "n", Direction: sfn.DirectionInput, DataType: "number", Value: "3"},
				{Name: "ok", Direction: sfn.DirectionInput, DataType: "boolean", Value: "true"},
				{Name: "doc", Direction: sfn.DirectionInput, DataType: "json", Value: `{"a":1}`},
			},
		},
		{
			name:    "a name in --param and --out is InputOutput; other outs are Output",
			inputs:  []string{"count:number=1"},
			outputs: []string{"COUNT:number", "total:number"},
			want: []sfn.Parameter{
				{Name: "count", Direction: sfn.DirectionInputOutput, DataType: "number", Value: "1"},
				{Name: "total", Direction: sfn.DirectionOutput, DataType: "number"},
			},
		},
		{name: "empty value is allowed", inputs: []string{"note="}, want: []sfn.Parameter{{Name: "note", Direction: sfn.DirectionInput, DataType: "string"}}},
		{name: "missing =", inputs: []string{"orderId"}, wantErr: `--param "orderId": want name:type=value`},
		{name: "missing = after a type", inputs: []string{"total:number"}, wantErr: `--param "total:number": want name:type=value`},
		{name: "empty name", inputs: []string{":number=1"}, wantErr: "the parameter name is empty"},
		{name: "empty type", inputs: []string{"n:=1"}, wantErr: "the type after ':' is empty"},
		{name: "duplicate input", inputs: []string{"a=1", "A=2"}, wantErr: `parameter "A" is given twice`},
		{name: "duplicate output", outputs: []string{"a", "a:number"}, wantErr: `--out "a:number": parameter "a" is given twice`},
		{
			name:   "type aliases the provider knows, in any case",
			inputs: []string{"n:Integer=1", "ok:bool=true", "when:date=2026-11-24", `o:object={}`},
			want: []sfn.Parameter{
				{Name: "n", Direction: sfn.DirectionInput, DataType: "Integer", Value: "1"},
				{Name: "ok", Direction: sfn.DirectionInput, DataType: "bool", Value: "true"},
				{Name: "when", Direction: sfn.DirectionInput, DataType: "date", Value: "2026-11-24"},
				{Name: "o", Direction: sfn.DirectionInput, DataType: "object", Value: "{}"},
			},
		},
		{
			name:    "an InputOutput parameter has one type",
			inputs:  []string{"n:number=1"},
			outputs: []string{"n:string"},
			wantErr: `--out "n:string": parameter "n" has type number in --param`,
		},
		{
			name:    "--out without a type takes the --param type",
			inputs:  []string{"n:number=1"},
			outputs: []string{"N"},
			want:    []sfn.Parameter{{Name: "n", Direction: sfn.DirectionInputOutput, DataType: "number", Value: "1"}},
		},
		{name: "unknown input type", inputs: []string{"n:nmber=3"}, wantErr: `--param "n:nmber": unknown type "nmber" (want string, number, boolean or json`},
		{name: "unknown output type", outputs: []string{"total:numeric"}, wantErr: `--out "total:numeric": unknown type "numeric"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseParams(tt.inputs, tt.outputs)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPermissionsPolicy(t *testing.T) {
	doc, err := permissionsPolicy([]string{
		"arn:aws:states:eu-west-1:111122223333:stateMachine:orders",
		"arn:aws:states:eu-west-1:111122223333:stateMachine:orders:prod", // alias of the same machine: no duplicate
		"arn:aws-cn:states:cn-north-1:444455556666:stateMachine:etl:7",
	})
	require.NoError(t, err)
	text, err := marshalPolicy(doc)
	require.NoError(t, err)
	for _, want := range []string{
		`"states:ListStateMachines"`,
		`"arn:aws:states:eu-west-1:111122223333:stateMachine:orders"`,
		`"arn:aws:states:eu-west-1:111122223333:stateMachine:orders:*"`,
		`"arn:aws:states:eu-west-1:111122223333:execution:orders:*"`,
		`"arn:aws:states:eu-west-1:111122223333:express:orders:*"`,
		`"arn:aws-cn:states:cn-north-1:444455556666:stateMachine:etl"`,
		`"states:StopExecution"`,
	} {
		assert.Contains(t, text, want)
	}
	assert.Equal(t, 1, strings.Count(text, `"arn:aws:states:eu-west-1:111122223333:stateMachine:orders"`), "an alias of a listed machine adds no second grant")
	for _, st := range doc.Statement {
		if st.Resource == "*" {
			assert.Equal(t, []string{"states:ListStateMachines", "states:ValidateStateMachineDefinition"}, st.Action,
				"only ListStateMachines and ValidateStateMachineDefinition (CheckJob), which take no resource, may be granted on *")
		}
	}
}

func TestPermissionsPolicyRejectsBadARNs(t *testing.T) {
	for _, bad := range []string{
		"",
		"orders",
		"arn:aws:lambda:us-east-1:111122223333:function:orders",
		"arn:aws:states:us-east-1:111122223333:execution:orders:run-1",
		"arn:aws:states::111122223333:stateMachine:orders",
		"arn:aws:states:us-east-1:1234:stateMachine:orders",
		"arn:aws:states:us-east-1:111122223333:stateMachine:bad name",
	} {
		t.Run(bad, func(t *testing.T) {
			_, err := permissionsPolicy([]string{bad})
			require.Error(t, err)
			if bad != "" {
				assert.Contains(t, err.Error(), bad)
			}
		})
	}
	_, err := permissionsPolicy(nil)
	assert.ErrorContains(t, err, "--state-machine")
}

func TestTrustPolicy(t *testing.T) {
	doc, err := trustPolicy("111122223333", "aws", "72F988BF-86F1-41AF-91AB-2D7CD011DB47", "0a1b2c3d-aaaa-bbbb-cccc-1234567890ab", "sts.amazonaws.com")
	require.NoError(t, err)
	text, err := marshalPolicy(doc)
	require.NoError(t, err)
	assert.Contains(t, text, `"Federated": "arn:aws:iam::111122223333:oidc-provider/login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"`)
	assert.Contains(t, text, `"login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0:aud": "sts.amazonaws.com"`)
	assert.Contains(t, text, `"login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0:sub": "0a1b2c3d-aaaa-bbbb-cccc-1234567890ab"`)
	assert.Contains(t, text, `"sts:AssumeRoleWithWebIdentity"`)

	_, err = trustPolicy("111122223333", "aws", "contoso.onmicrosoft.com", "x", "sts.amazonaws.com")
	assert.ErrorContains(t, err, `--entra-tenant "contoso.onmicrosoft.com"`)
	_, err = trustPolicy("111122223333", "aws", "72f988bf-86f1-41af-91ab-2d7cd011db47", " ", "sts.amazonaws.com")
	assert.ErrorContains(t, err, "--subject is required")
}

// Like the provider's, the command line's errors name a parameter but never
// show its value, which may be a secret.
func TestParseParamsErrorsHideValues(t *testing.T) {
	const secret = "s3cr3t-t0ken"
	for _, inputs := range [][]string{
		{":string=" + secret},
		{"token:=" + secret},
		{"token=" + secret, "TOKEN=" + secret},
		{"token:nmber=" + secret},
		{"token:" + secret}, // ':' typed for '='
	} {
		_, err := parseParams(inputs, nil)
		require.Error(t, err, "%q", inputs)
		assert.NotContains(t, err.Error(), secret)
	}
}
