package asl

import (
	"fmt"
	"strings"
)

// Mock field validation modes (TestState's mock.fieldValidationMode).
const (
	// MockValidationStrict checks the types of the fields the mocked
	// result has, and that the required ones are there. The default.
	MockValidationStrict = "STRICT"
	// MockValidationPresent checks the types of the fields present only.
	MockValidationPresent = "PRESENT"
	// MockValidationNone checks nothing.
	MockValidationNone = "NONE"
)

// shape is the JSON type of a field of an integration's response: kind is
// "string", "number", "boolean", "array", "object" or "" (any value); an
// object may list its fields, an array its elements' shape.
type shape struct {
	kind     string
	fields   map[string]*shape
	required []string
	elem     *shape
}

var (
	anyValue  = &shape{}
	str       = &shape{kind: "string"}
	num       = &shape{kind: "number"}
	anyObject = &shape{kind: "object"}
)

// consumedCapacity is DynamoDB's ConsumedCapacity.
var consumedCapacity = &shape{kind: "object", fields: map[string]*shape{
	"TableName": str, "CapacityUnits": num, "ReadCapacityUnits": num, "WriteCapacityUnits": num,
	"Table": anyObject, "LocalSecondaryIndexes": anyObject, "GlobalSecondaryIndexes": anyObject,
}}

// dynamoDBWrite is the response of DynamoDB's PutItem, UpdateItem and
// DeleteItem.
var dynamoDBWrite = &shape{kind: "object", fields: map[string]*shape{
	"Attributes": anyObject, "ConsumedCapacity": consumedCapacity, "ItemCollectionMetrics": anyObject,
}}

// responseShapes are the response shapes, from the services' API models, of
// the request-response integrations whose mocks TestState validates here.
// The optimised Lambda integration's Payload may be any JSON value, as Step
// Functions parses it. Integrations not listed (the AWS SDK integrations,
// .sync and .waitForTaskToken patterns among them) are not validated.
var responseShapes = map[string]*shape{
	"arn:aws:states:::lambda:invoke": {kind: "object", fields: map[string]*shape{
		"StatusCode": num, "FunctionError": str, "LogResult": str, "ExecutedVersion": str, "Payload": anyValue,
	}},
	"arn:aws:states:::sqs:sendMessage": {kind: "object", fields: map[string]*shape{
		"MD5OfMessageBody": str, "MD5OfMessageAttributes": str, "MD5OfMessageSystemAttributes": str,
		"MessageId": str, "SequenceNumber": str,
	}},
	"arn:aws:states:::sns:publish": {kind: "object", fields: map[string]*shape{
		"MessageId": str, "SequenceNumber": str,
	}},
	"arn:aws:states:::dynamodb:getItem": {kind: "object", fields: map[string]*shape{
		"Item": anyObject, "ConsumedCapacity": consumedCapacity,
	}},
	"arn:aws:states:::dynamodb:putItem":    dynamoDBWrite,
	"arn:aws:states:::dynamodb:updateItem": dynamoDBWrite,
	"arn:aws:states:::dynamodb:deleteItem": dynamoDBWrite,
	"arn:aws:states:::glue:startJobRun": {kind: "object", fields: map[string]*shape{
		"JobRunId": str,
	}},
	"arn:aws:states:::athena:startQueryExecution": {kind: "object", fields: map[string]*shape{
		"QueryExecutionId": str,
	}},
	"arn:aws:states:::events:putEvents": {kind: "object", fields: map[string]*shape{
		"FailedEntryCount": num,
		"Entries": {kind: "array", elem: &shape{kind: "object", fields: map[string]*shape{
			"EventId": str, "ErrorCode": str, "ErrorMessage": str,
		}}},
	}},
	// The HTTP Task's result (UNCONFIRMED: which fields AWS requires).
	"arn:aws:states:::http:invoke": {kind: "object", fields: map[string]*shape{
		"StatusCode": num, "StatusText": str, "Headers": anyObject, "ResponseBody": anyValue,
	}},
	"arn:aws:states:::states:startExecution": {kind: "object", required: []string{"ExecutionArn", "StartDate"},
		fields: map[string]*shape{"ExecutionArn": str, "StartDate": str}},
}

// validateMockResult checks a mocked result of the Task resource against
// the integration's response shape, in mode, as AWS does: a field the shape
// does not have is accepted, a field of the wrong type is refused, and in
// STRICT mode so is a missing required field.
func validateMockResult(resource string, result any, mode string) error {
	if parts := strings.SplitN(resource, ":", 3); len(parts) == 3 && parts[0] == "arn" {
		resource = "arn:aws:" + parts[2] // any partition
	}
	sh := responseShapes[resource]
	if sh == nil || mode == MockValidationNone {
		return nil
	}
	if msg := sh.check("", result, mode == MockValidationPresent); msg != "" {
		return validationError("Mock result schema validation error: %s", msg)
	}
	return nil
}

// check returns what is wrong with v as a value of sh (named name), or "".
func (sh *shape) check(name string, v any, presentOnly bool) string {
	switch sh.kind {
	case "":
		return ""
	case "array":
		list, ok := v.([]any)
		if !ok {
			return fmt.Sprintf("Field '%s' must be an array", name)
		}
		for _, e := range list {
			if msg := sh.elem.check(name, e, presentOnly); msg != "" {
				return msg
			}
		}
		return ""
	case "object":
		o, ok := asObject(v)
		if !ok {
			if name == "" {
				return "The mocked result must be a JSON object"
			}
			return fmt.Sprintf("Field '%s' must be an object", name)
		}
		if !presentOnly {
			for _, req := range sh.required {
				if _, ok := o.get(req); !ok {
					return fmt.Sprintf("Required field '%s' is missing", req)
				}
			}
		}
		for i, k := range o.keys {
			if f := sh.fields[k]; f != nil {
				if msg := f.check(k, o.vals[i], presentOnly); msg != "" {
					return msg
				}
			}
		}
		return ""
	}
	ok := false
	switch v.(type) {
	case string:
		ok = sh.kind == "string"
	case bool:
		ok = sh.kind == "boolean"
	case nil, *object, map[string]any, []any:
	default: // a number, whichever Go type the parser gave it
		ok = sh.kind == "number"
	}
	if !ok {
		return fmt.Sprintf("Field '%s' must be a %s", name, sh.kind)
	}
	return ""
}
