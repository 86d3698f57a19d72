package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/polysync/stepfunctions/internal/asl"
)

func Example() {
	m, err := asl.Parse(`{
	  "StartAt": "Greet",
	  "States": {
	    "Greet": {
	      "Type": "Task",
	      "Resource": "arn:aws:states:::lambda:invoke",
	      "Parameters": {"FunctionName": "greeter", "Payload": {"name.$": "$.who"}},
	      "ResultSelector": {"greeting.$": "$.Payload"},
	      "ResultPath": "$.result",
	      "Next": "Shout"
	    },
	    "Shout": {
	      "Type": "Pass",
	      "Parameters": {"text.$": "States.Format('{}!', $.result.greeting)"},
	      "End": true
	    }
	  }
	}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	invoke := func(_ context.Context, resource string, input json.RawMessage) (json.RawMessage, error) {
		var req struct{ Payload struct{ Name string } }
		if err := json.Unmarshal(input, &req); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]string{"Payload": "hello " + req.Payload.Name})
	}
	res := m.Run(context.Background(), json.RawMessage(`{"who":"world"}`), asl.Options{Clock: asl.RealClock{}, Invoke: invoke})
	fmt.Println(res.Status, string(res.Output))
	// Output: SUCCEEDED {"text":"hello world!"}
}

func ExampleParse_invalid() {
	_, err := asl.Parse(`{"StartAt":"Bar","States":{"Bar":{"Type":"Pass","Next":"Foo"},"Baz":{"Type":"Wait","End":true}}}`)
	var de *asl.DefinitionError
	if errors.As(err, &de) {
		fmt.Println(strings.Join(de.Problems, "\n"))
	}
	// Output:
	// SCHEMA_VALIDATION_FAILED: A Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' at /States/Baz
	// MISSING_TRANSITION_TARGET: Missing 'Next' target: Foo at /States/Bar/Next
	// MISSING_TRANSITION_TARGET: State "Baz" is not reachable. at /States/Baz
}
