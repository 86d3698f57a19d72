package asl

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

// TestResponseShapeData resolves every operation of every service in the
// embedded data, so a reference the generator left dangling fails here
// rather than in a TestState call.
func TestResponseShapeData(t *testing.T) {
	services, err := loadSDKServices()
	if err != nil {
		t.Fatal(err)
	}
	if len(services) < 20 {
		t.Errorf("the data has %d services, want at least 20", len(services))
	}
	for name, svc := range services {
		if svc.Version == "" || !strings.HasSuffix(svc.Module, "/service/"+name) {
			t.Errorf("service %s: module %q version %q, want the SDK module it was read from", name, svc.Module, svc.Version)
		}
		for op := range svc.Ops {
			if sh, err := sdkOperationShape(name, op); err != nil || sh == nil || sh.kind != "object" {
				t.Fatalf("sdkOperationShape(%s, %s) = %v, %v, want an object shape", name, op, sh, err)
			}
		}
	}
}

func TestOptimizedIntegrationsHaveShapes(t *testing.T) {
	for integration, o := range optimizedIntegrations {
		sh, err := responseShape("arn:aws:states:::" + integration)
		if err != nil || sh == nil {
			t.Errorf("responseShape(%s) = %v, %v, want %s:%s's response shape", integration, sh, err, o.service, o.op)
			continue
		}
		for _, f := range o.anyFields {
			if sh.fields[f] != anyValue {
				t.Errorf("responseShape(%s): field %s is %v, want any value", integration, f, sh.fields[f])
			}
		}
	}
	// The exception leaves the shared shape alone.
	if sh, _ := sdkOperationShape("lambda", "Invoke"); sh.fields["Payload"] != str {
		t.Errorf("lambda Invoke's Payload is %v after the optimized integration's exception, want a string", sh.fields["Payload"])
	}
}

func TestResponseShapeResources(t *testing.T) {
	tests := []struct {
		resource string
		want     bool // whether a shape validates it
	}{
		{"arn:aws:states:::aws-sdk:s3:getObject", true},
		{"arn:aws-us-gov:states:::aws-sdk:dynamodb:query", true},
		{"arn:aws:states:::aws-sdk:ec2:describeInstances", true},
		{"arn:aws:states:::aws-sdk:s3:GetObject", false},                  // not camelCase
		{"arn:aws:states:::aws-sdk:s3:getObject.waitForTaskToken", false}, // a callback
		{"arn:aws:states:::aws-sdk:s3:noSuchAction", false},
		{"arn:aws:states:::aws-sdk:nosuchservice:getThing", false},
		{"arn:aws:states:::aws-sdk:s3", false},
		{"arn:aws:states:::aws-sdk:s3:", false},
		{"arn:aws:states:::ecs:runTask", true},
		{"arn:aws:states:::ecs:runTask.sync", false},
		{"arn:aws:states:::states:startExecution.sync:2", false},
		{"arn:aws:states:::http:invoke", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", false},
		{"arn:aws:states:us-east-1:123456789012:activity:a", false},
		{"not an arn", false},
	}
	for _, tt := range tests {
		sh, err := responseShape(tt.resource)
		if err != nil || (sh != nil) != tt.want {
			t.Errorf("responseShape(%q) = %v, %v, want a shape: %v", tt.resource, sh, err, tt.want)
		}
	}
}

func TestValidateSDKMocks(t *testing.T) {
	deep := strings.Repeat(`{"L":[`, 200) + `{"N":1}` + strings.Repeat(`]}`, 200)
	tests := []struct {
		resource, result, mode, want string
	}{
		{"aws-sdk:s3:getObject", `{"ContentLength":"x"}`, "", "Field 'ContentLength' must be a number"},
		{"aws-sdk:s3:getObject", `{"ContentLength":"x"}`, MockValidationPresent, "Field 'ContentLength' must be a number"},
		{"aws-sdk:s3:getObject", `{"ContentLength":"x"}`, MockValidationNone, ""},
		{"aws-sdk:s3:getObject", `{"Body":"text","Metadata":{"a":"b"},"LastModified":"2026-01-01T00:00:00Z"}`, "", ""},
		{"aws-sdk:s3:getObject", `{"Metadata":{"a":1}}`, "", "Field 'a' must be a string"},
		{"aws-sdk:s3:getObject", `{"LastModified":1767225600}`, "", ""},
		{"aws-sdk:s3:getObject", `{"LastModified":false}`, "", "Field 'LastModified' must be a string"},
		{"aws-sdk:s3:listObjectsV2", `{"Contents":[{"Key":"a","Size":"1"}]}`, "", "Field 'Size' must be a number"},
		{"aws-sdk:dynamodb:query", `{"Items":{}}`, "", "Field 'Items' must be an array"},
		{"aws-sdk:dynamodb:query", `{"Items":[{"id":{"S":"a"}},{"id":{"S":2}}]}`, "", "Field 'S' must be a string"},
		{"aws-sdk:dynamodb:query", `{"Items":[{"id":{"L":[{"M":{"x":{"BOOL":"yes"}}}]}}]}`, "", "Field 'BOOL' must be a boolean"},
		{"aws-sdk:dynamodb:query", `{"Items":[{"id":` + deep + `}]}`, "", ""}, // deeper than checked
		{"aws-sdk:sfn:startExecution", `{"StartDate":"2026-01-01T00:00:00Z"}`, "", "Required field 'ExecutionArn' is missing"},
		{"aws-sdk:sfn:startExecution", `{"StartDate":"2026-01-01T00:00:00Z"}`, MockValidationPresent, ""},
		{"aws-sdk:sfn:describeExecution", `{"ExecutionArn":"a","StateMachineArn":"s","Status":"RUNNING","StartDate":1}`, "", ""},
		{"aws-sdk:lambda:invoke", `{"StatusCode":200,"Payload":{"any":"json"}}`, "", ""},
		{"bedrock:invokeModel", `{"Body":{"completion":"hi"},"ContentType":"application/json"}`, "", ""},
		{"batch:submitJob", `{"JobArn":"a"}`, "", "Required field 'JobId' is missing"},
		{"ecs:runTask", `{"Tasks":[{"TaskArn":"a","Containers":[{"ExitCode":"0"}]}]}`, "", "Field 'ExitCode' must be a number"},
		{"aws-sdk:nosuch:doThing", `{"anything":1}`, "", ""},
		{"aws-sdk:s3:getObject", `[]`, "", "The mocked result must be a JSON object"},
	}
	for _, tt := range tests {
		v, err := parseJSON([]byte(tt.result))
		if err != nil {
			t.Fatal(err)
		}
		err = validateMockResult("arn:aws:states:::"+tt.resource, v, tt.mode)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("validateMockResult(%s, %.60s, %q) = %v, want %q", tt.resource, tt.result, tt.mode, err, tt.want)
		}
	}
}

func TestDecodeSDKServicesErrors(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	if _, err := decodeSDKServices([]byte("{}")); err == nil || !strings.Contains(err.Error(), "response shape data") {
		t.Errorf("decodeSDKServices(not gzip) = %v, want an error", err)
	}
	if _, err := decodeSDKServices(gz("{")); err == nil {
		t.Error("decodeSDKServices(bad JSON) = nil, want an error")
	}
	for _, tt := range []struct{ ops, types, want string }{
		{"A:Missing", "", `member A: unknown type "Missing"`},
		{"A:[", "", "member A: no type"},
		{"A", "", `member "A": no name and type`},
		{"A:T", "B:s,C:[Nope", `type T: member C: unknown type "Nope"`},
	} {
		svc := &sdkService{Ops: map[string]string{"Op": tt.ops}, Types: map[string]string{}}
		if tt.types != "" {
			svc.Types["T"] = tt.types
		}
		if _, err := svc.resolve(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("resolve(ops %q, types %q) = %v, want %q", tt.ops, tt.types, err, tt.want)
		}
	}
}

func TestRecursiveShape(t *testing.T) {
	svc := &sdkService{Ops: map[string]string{"Op": "Root!Node"}, Types: map[string]string{"Node": "Name:s,Children:[Node"}}
	ops, err := svc.resolve()
	if err != nil {
		t.Fatal(err)
	}
	node := ops["Op"].fields["Root"]
	if node.fields["Children"].elem != node {
		t.Error("a recursive type is not shared with itself")
	}
	v, _ := parseJSON([]byte(`{"Root":{"Children":[{"Children":[{"Name":3}]}]}}`))
	if msg := ops["Op"].check("", v, false, 0); msg != "Field 'Name' must be a string" {
		t.Errorf("check(nested wrong Name) = %q", msg)
	}
}

func BenchmarkFirstSDKShape(b *testing.B) {
	for b.Loop() {
		services, err := decodeSDKServices(responseShapeData)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := services["ec2"].resolve(); err != nil {
			b.Fatal(err)
		}
	}
}
