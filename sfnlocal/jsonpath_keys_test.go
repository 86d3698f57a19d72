package sfnlocal

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestBracketKeysWithBackslashesOnTheWire: as AWS does, the path
// $['Test\""Name"'] names the key Test\""Name", backslash included, in
// InputPath, Parameters, ResultPath, OutputPath, Choice Variable and ItemsPath.
func TestBracketKeysWithBackslashesOnTheWire(t *testing.T) {
	_, c := startServer(t)
	arn := createMachine(t, c, "bracket-keys", `{"StartAt":"A","States":{
		"A":{"Type":"Pass","InputPath":"$['Test\\\"\"Name\"']","Parameters":{"xs.$":"$['Test\\\"\"Name\"']"},
			"ResultPath":"$['Test\\\"\"Name\"']","OutputPath":"$['Test\\\"\"Name\"']","Next":"B"},
		"B":{"Type":"Pass","Parameters":{"Test\\\"\"Name\".$":"$.xs"},"Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$['Test\\\"\"Name\"'][0]","NumericEquals":1,"Next":"D"}],"Default":"F"},
		"F":{"Type":"Fail","Error":"NoMatch"},
		"D":{"Type":"Map","ItemsPath":"$['Test\\\"\"Name\"']","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, "")
	d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: &arn,
		Input: aws.String(`{"Test\\\"\"Name\"":{"Test\\\"\"Name\"":[1,2]}}`)})
	if want := `[1,2]`; d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != want {
		t.Errorf("execution = %s %s %s: %s, want output %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), aws.ToString(d.Output), want)
	}
}
