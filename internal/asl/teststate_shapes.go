package asl

import (
	"fmt"
	"maps"
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
// "string", "number", "boolean", "timestamp", "array", "map", "object" or ""
// (any value); an object may list its fields and the required ones, an array
// its elements' shape and a map (an object with keys of any name) its values'.
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

// httpInvokeShape is the HTTP Task's result, which is no AWS API's response
// (UNCONFIRMED: which fields AWS requires).
var httpInvokeShape = &shape{kind: "object", fields: map[string]*shape{
	"StatusCode": num, "StatusText": str, "Headers": anyObject, "ResponseBody": anyValue,
}}

// sdkOperation names an AWS SDK operation in the response shape data: the
// SDK's package name of the service and the operation's name. anyFields are
// top-level fields whose value may be any JSON value, as Step Functions
// parses them (a Lambda function's Payload, a Bedrock model's Body), where
// the model says blob.
type sdkOperation struct {
	service, op string
	anyFields   []string
}

// optimizedIntegrations are the optimized request-response integrations
// (arn:aws:states:::<key>) whose result is the API's response, with the
// operation each calls. The others (an EMR cluster's, API Gateway's, the
// .sync and .waitForTaskToken patterns) are not validated.
var optimizedIntegrations = map[string]sdkOperation{
	"lambda:invoke":               {"lambda", "Invoke", []string{"Payload"}},
	"sqs:sendMessage":             {service: "sqs", op: "SendMessage"},
	"sns:publish":                 {service: "sns", op: "Publish"},
	"dynamodb:getItem":            {service: "dynamodb", op: "GetItem"},
	"dynamodb:putItem":            {service: "dynamodb", op: "PutItem"},
	"dynamodb:updateItem":         {service: "dynamodb", op: "UpdateItem"},
	"dynamodb:deleteItem":         {service: "dynamodb", op: "DeleteItem"},
	"glue:startJobRun":            {service: "glue", op: "StartJobRun"},
	"athena:startQueryExecution":  {service: "athena", op: "StartQueryExecution"},
	"athena:stopQueryExecution":   {service: "athena", op: "StopQueryExecution"},
	"athena:getQueryExecution":    {service: "athena", op: "GetQueryExecution"},
	"athena:getQueryResults":      {service: "athena", op: "GetQueryResults"},
	"events:putEvents":            {service: "eventbridge", op: "PutEvents"},
	"states:startExecution":       {service: "sfn", op: "StartExecution"},
	"ecs:runTask":                 {service: "ecs", op: "RunTask"},
	"batch:submitJob":             {service: "batch", op: "SubmitJob"},
	"codebuild:startBuild":        {service: "codebuild", op: "StartBuild"},
	"codebuild:stopBuild":         {service: "codebuild", op: "StopBuild"},
	"codebuild:batchDeleteBuilds": {service: "codebuild", op: "BatchDeleteBuilds"},
	"codebuild:batchGetReports":   {service: "codebuild", op: "BatchGetReports"},
	"codebuild:startBuildBatch":   {service: "codebuild", op: "StartBuildBatch"},
	"codebuild:stopBuildBatch":    {service: "codebuild", op: "StopBuildBatch"},
	"codebuild:retryBuildBatch":   {service: "codebuild", op: "RetryBuildBatch"},
	"codebuild:retryBuild":        {service: "codebuild", op: "RetryBuild"},
	"codebuild:deleteBuildBatch":  {service: "codebuild", op: "DeleteBuildBatch"},
	"bedrock:invokeModel":         {"bedrockruntime", "InvokeModel", []string{"Body"}},
}

// sdkIntegrationAnyFields are the AWS SDK integrations' blob fields that
// may hold any JSON value, as in the optimized integrations of the same
// operations (UNCONFIRMED: AWS may return them as strings; both are
// accepted).
var sdkIntegrationAnyFields = map[string][]string{
	"lambda:Invoke":              {"Payload"},
	"bedrockruntime:InvokeModel": {"Body"},
}

// sdkIntegrationPrefix begins the Resource of an AWS SDK integration,
// arn:aws:states:::aws-sdk:<service>:<apiAction> (the action in camelCase).
const sdkIntegrationPrefix = "aws-sdk:"

// responseShape returns the response shape of the Task resource (in any
// partition) that TestState validates a mocked result against, or nil when
// it validates none.
func responseShape(resource string) (*shape, error) {
	integration, ok := Integration(resource)
	switch {
	case !ok:
		return nil, nil
	case integration == "http:invoke":
		return httpInvokeShape, nil
	}
	if o, found := optimizedIntegrations[integration]; found {
		return sdkShapeWithAnyFields(o)
	}
	rest, ok := strings.CutPrefix(integration, sdkIntegrationPrefix)
	if !ok {
		return nil, nil
	}
	service, action, ok := strings.Cut(rest, ":")
	// A suffix (.waitForTaskToken) or a PascalCase action is not validated.
	if !ok || action == "" || strings.ContainsAny(action, ":.") || action[0] < 'a' || action[0] > 'z' {
		return nil, nil
	}
	op := strings.ToUpper(action[:1]) + action[1:]
	return sdkShapeWithAnyFields(sdkOperation{service, op, sdkIntegrationAnyFields[service+":"+op]})
}

// sdkShapeWithAnyFields returns o's response shape with its anyFields
// taking any value.
func sdkShapeWithAnyFields(o sdkOperation) (*shape, error) {
	sh, err := sdkOperationShape(o.service, o.op)
	if err != nil || sh == nil || len(o.anyFields) == 0 {
		return sh, err
	}
	c := *sh
	c.fields = maps.Clone(sh.fields)
	if c.fields == nil {
		c.fields = map[string]*shape{}
	}
	for _, f := range o.anyFields {
		c.fields[f] = anyValue
	}
	return &c, nil
}

// validateMockResult checks a mocked result of the Task resource against
// the integration's response shape, in mode, as AWS does: a field the shape
// does not have is accepted, a field of the wrong type is refused, and in
// STRICT mode so is a missing required field.
func validateMockResult(resource string, result any, mode string) error {
	if mode == MockValidationNone {
		return nil
	}
	sh, err := responseShape(resource)
	if err != nil || sh == nil {
		return err
	}
	if msg := sh.check("", result, mode == MockValidationPresent, 0); msg != "" {
		return validationError("Mock result schema validation error: %s", msg)
	}
	return nil
}

// maxShapeDepth bounds how deep into a mocked result check goes: a
// recursive shape (a DynamoDB attribute value's lists of attribute values)
// is checked for as deep as the value goes, and what lies deeper than this
// is accepted unchecked.
const maxShapeDepth = 64

// check returns what is wrong with v as a value of sh (named name, depth
// levels into the mocked result), or "".
func (sh *shape) check(name string, v any, presentOnly bool, depth int) string {
	if depth > maxShapeDepth {
		return ""
	}
	switch sh.kind {
	case "":
		return ""
	case "array":
		list, ok := v.([]any)
		if !ok {
			return fmt.Sprintf("Field '%s' must be an array", name)
		}
		for _, e := range list {
			if msg := sh.elem.check(name, e, presentOnly, depth+1); msg != "" {
				return msg
			}
		}
		return ""
	case "object", "map":
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
			f := sh.elem // a map's value
			if sh.kind == "object" {
				f = sh.fields[k]
			}
			if f != nil {
				if msg := f.check(k, o.vals[i], presentOnly, depth+1); msg != "" {
					return msg
				}
			}
		}
		return ""
	}
	want, ok := sh.kind, false
	switch v.(type) {
	case string:
		ok = want == "string" || want == "timestamp"
	case bool:
		ok = want == "boolean"
	case nil, *object, map[string]any, []any:
	default: // a number, whichever Go type the parser gave it
		// A timestamp as epoch seconds (UNCONFIRMED which of the two
		// forms Step Functions gives a result's timestamps: both pass).
		ok = want == "number" || want == "timestamp"
	}
	if !ok {
		if want == "timestamp" {
			want = "string"
		}
		return fmt.Sprintf("Field '%s' must be a %s", name, want)
	}
	return ""
}
