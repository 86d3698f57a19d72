package sfnarn

import (
	"errors"
	"strings"
	"testing"
)

const acct = "123456789012"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want ARN
	}{
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:orders",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: StateMachine, StateMachine: "orders"}},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:orders.v2",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: StateMachine, StateMachine: "orders.v2"}},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:orders:3",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: Version, StateMachine: "orders", Version: 3}},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:orders:prod-2.1",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: Alias, StateMachine: "orders", Alias: "prod-2.1"}},
		{"arn:aws:states:eu-west-1:123456789012:execution:orders:run-1",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: Execution, StateMachine: "orders", Name: "run-1"}},
		{"arn:aws:states:eu-west-1:123456789012:express:fast:run-2:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: Express, StateMachine: "fast", Name: "run-2",
				ExpressID: "0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2"}},
		{"arn:aws:states:eu-west-1:123456789012:execution:orders/items:5f1c9d1e-aaaa-bbbb-cccc-123456789abc",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: Execution, StateMachine: "orders", Label: "items",
				Name: "5f1c9d1e-aaaa-bbbb-cccc-123456789abc"}},
		{"arn:aws:states:eu-west-1:123456789012:express:orders/items:child:0b4fd7c1",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: Express, StateMachine: "orders", Label: "items",
				Name: "child", ExpressID: "0b4fd7c1"}},
		{"arn:aws:states:eu-west-1:123456789012:mapRun:orders/items:7d3e",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: MapRun, StateMachine: "orders", Label: "items", Name: "7d3e"}},
		{"arn:aws:states:eu-west-1:123456789012:activity:worker",
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: Activity, Name: "worker"}},
		{"arn:aws-eusc:states:eusc-de-east-1:123456789012:execution:orders:run-1",
			ARN{Partition: "aws-eusc", Region: "eusc-de-east-1", Account: acct, Kind: Execution, StateMachine: "orders", Name: "run-1"}},
		{"arn:aws-cn:states:cn-northwest-1:123456789012:stateMachine:etl:7",
			ARN{Partition: "aws-cn", Region: "cn-northwest-1", Account: acct, Kind: Version, StateMachine: "etl", Version: 7}},
		{"arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:etl",
			ARN{Partition: "aws-us-gov", Region: "us-gov-west-1", Account: acct, Kind: StateMachine, StateMachine: "etl"}},
		{"arn:aws-iso-b:states:us-isob-east-1:123456789012:activity:a",
			ARN{Partition: "aws-iso-b", Region: "us-isob-east-1", Account: acct, Kind: Activity, Name: "a"}},
		// A region the SDK does not list yet but whose partition's pattern matches it.
		{"arn:aws:states:eu-north-9:123456789012:stateMachine:m",
			ARN{Partition: "aws", Region: "eu-north-9", Account: acct, Kind: StateMachine, StateMachine: "m"}},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:" + strings.Repeat("ü", 80),
			ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: StateMachine, StateMachine: strings.Repeat("ü", 80)}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("Parse(%q).String() = %q, want the input back", tt.in, s)
			}
		})
	}
}

// Every kind of ARN parses in every partition the SDK knows, with a region of that partition.
func TestParseEveryPartition(t *testing.T) {
	for _, p := range Partitions() {
		region := ""
		for _, r := range p.Regions {
			if CheckRegion(r) == nil {
				region = r
				break
			}
		}
		if region == "" {
			t.Errorf("partition %s lists no region CheckRegion accepts: %v", p.ID, p.Regions)
			continue
		}
		if got, ok := PartitionOf(region); !ok || got != p.ID {
			t.Errorf("PartitionOf(%q) = %q, %v; want %q", region, got, ok, p.ID)
		}
		head := "arn:" + p.ID + ":states:" + region + ":" + acct + ":"
		for _, end := range []string{"stateMachine:m", "stateMachine:m:1", "stateMachine:m:live", "execution:m:e",
			"express:m:e:id", "execution:m/l:e", "express:m/l:e:id", "mapRun:m/l:id", "activity:a"} {
			if a, err := Parse(head + end); err != nil || a.String() != head+end || a.Partition != p.ID || a.Region != region {
				t.Errorf("Parse(%q) = %+v, %v", head+end, a, err)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string // the error names the bad part
	}{
		{"", "empty ARN"},
		{strings.Repeat("a", MaxLen+1), "ARN of 2049 bytes"},
		{"orders", `"orders" is not an ARN`},
		{"arn:aws:states:eu-west-1:123456789012", "is not an ARN"},
		{"arn:aws:lambda:eu-west-1:123456789012:function:f", `"arn:aws:lambda:eu-west-1:123456789012:function:f" is not a Step Functions ARN (service "lambda", want states)`},
		{"arn::states:eu-west-1:123456789012:stateMachine:m", "empty partition"},
		{"arn:aws-xx:states:eu-west-1:123456789012:stateMachine:m", `unknown partition "aws-xx" (want one of aws, aws-cn, aws-eusc`},
		{"arn:aws:states::123456789012:stateMachine:m", "empty region"},
		{"arn:aws:states:EU-WEST-1:123456789012:stateMachine:m", `region "EU-WEST-1": not an AWS region name such as eu-west-1: region names are lower-case`},
		{"arn:aws:states:xx-west-1:123456789012:stateMachine:m", `region "xx-west-1": not an AWS region name such as eu-west-1: no partition`},
		{"arn:aws:states:aws-global:123456789012:stateMachine:m", "pseudo-region"},
		{"arn:aws:states:eusc-de-east-1:123456789012:stateMachine:m", "region eusc-de-east-1 is in partition aws-eusc, not aws"},
		{"arn:aws-eusc:states:eu-west-1:123456789012:stateMachine:m", "region eu-west-1 is in partition aws, not aws-eusc"},
		{"arn:aws:states:eu-west-1::stateMachine:m", "empty account"},
		{"arn:aws:states:eu-west-1:12345:stateMachine:m", `account "12345" is not a 12-digit AWS account ID`},
		{"arn:aws:states:eu-west-1:12345678901a:stateMachine:m", `account "12345678901a"`},
		{"arn:aws:states:eu-west-1:123456789012::m", "empty resource type (want stateMachine, execution, express, mapRun or activity)"},
		{"arn:aws:states:aa-a-0:000000000000::0", "region"}, // issue 15: refused, whichever part is named first
		{"arn:aws:states:us-east-1:000000000000::0", "empty resource type"},
		{"arn:aws:states:eu-west-1:123456789012:stateMachines:m", `unknown resource type "stateMachines"`},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine", "this one has 0 parts after stateMachine"},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:", "empty state machine name"},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:m:1:2", "this one has 3 parts after stateMachine"},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:bad name", `state machine name "bad name" must not contain whitespace`},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:" + strings.Repeat("m", 81), "must be 1-80 characters long"},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:m/l", `state machine name "m/l" must not contain '/'`},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:m:", "empty alias name"},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:m:0", `version number "0": versions are numbered from 1`},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:m:03", `version number "03"`},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:m:99999999999999999999", `version number "99999999999999999999" is too large`},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:m:pr*d", `alias name "pr*d" may contain only letters`},
		{"arn:aws:states:eu-west-1:123456789012:execution:m", "an execution ARN ends in execution:<stateMachine>:<name>; this one has 1 parts"},
		{"arn:aws:states:eu-west-1:123456789012:execution:m:e:x", "this one has 3 parts after execution"},
		{"arn:aws:states:eu-west-1:123456789012:execution:m:", "empty execution name"},
		{"arn:aws:states:eu-west-1:123456789012:execution::e", "empty state machine name"},
		{"arn:aws:states:eu-west-1:123456789012:execution:m/:e", "empty Distributed Map label"},
		{"arn:aws:states:eu-west-1:123456789012:execution:m/a/b:e", `Distributed Map label "a/b" must not contain '/'`},
		{"arn:aws:states:eu-west-1:123456789012:execution:m:bad\x01", `execution name "bad\x01" must not contain control characters`},
		{"arn:aws:states:eu-west-1:123456789012:express:m:e", "an Express execution ARN ends in express:<stateMachine>:<name>:<id>"},
		{"arn:aws:states:eu-west-1:123456789012:express:m:e:", "empty Express execution ID"},
		{"arn:aws:states:eu-west-1:123456789012:mapRun:m:id", "this one has no /<label>"},
		{"arn:aws:states:eu-west-1:123456789012:mapRun:m/l:", "empty map run ID"},
		{"arn:aws:states:eu-west-1:123456789012:activity:a:b", "an activity ARN ends in activity:<name>"},
		{"arn:aws:states:eu-west-1:123456789012:activity:", "empty activity name"},
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 100)], func(t *testing.T) {
			got, err := Parse(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) = %+v, %v; want an error containing %q", tt.in, got, err, tt.want)
			}
			if err != nil && got != (ARN{}) {
				t.Errorf("Parse(%q) = %+v with an error, want the zero ARN", tt.in, got)
			}
		})
	}
}

// ParseLocal takes any partition, region and account, but checks the rest as Parse does.
func TestParseLocal(t *testing.T) {
	for _, s := range []string{
		"arn:aws:states:local:1:stateMachine:m",
		"arn:aws:states:eusc-de-east-1:123456789012:execution:m:e", // wrong partition for the region
		"arn:any:states:x:y:activity:a",
	} {
		if a, err := ParseLocal(s); err != nil || a.String() != s {
			t.Errorf("ParseLocal(%q) = %+v, %v; want it parsed", s, a, err)
		}
	}
	for _, s := range []string{
		"arn::states:x:1:stateMachine:m",
		"arn:aws:states::1:stateMachine:m",
		"arn:aws:states:x::stateMachine:m",
		"arn:aws:states:x:1::m",
		"arn:aws:states:x:1:stateMachine:bad name",
		"arn:aws:states:x:1:stateMachine:m:0",
	} {
		if a, err := ParseLocal(s); err == nil {
			t.Errorf("ParseLocal(%q) = %+v, want an error", s, a)
		}
	}
}

func TestBuild(t *testing.T) {
	v, err := Parse("arn:aws-eusc:states:eusc-de-east-1:123456789012:stateMachine:orders:3")
	if err != nil {
		t.Fatal(err)
	}
	child, err := Parse("arn:aws:states:eu-west-1:123456789012:express:orders/items:c:1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ got, want string }{
		{v.Base().String(), "arn:aws-eusc:states:eusc-de-east-1:123456789012:stateMachine:orders"},
		{v.Execution("run-1").String(), "arn:aws-eusc:states:eusc-de-east-1:123456789012:execution:orders:run-1"},
		{child.Base().String(), "arn:aws:states:eu-west-1:123456789012:stateMachine:orders"},
		{ARN{Partition: "aws", Region: "eu-west-1", Account: acct, Kind: Alias, StateMachine: "m", Alias: "*"}.String(),
			"arn:aws:states:eu-west-1:123456789012:stateMachine:m:*"},
		{ARN{Partition: "aws", Region: "eu-west-1", Account: acct}.String(), "arn:aws:states:eu-west-1:123456789012:Kind(0)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if !child.MapRunChild() || v.MapRunChild() {
		t.Errorf("MapRunChild() = %v for %v and %v for %v; want true, false", child.MapRunChild(), child, v.MapRunChild(), v)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{StateMachine: "state machine", Express: "Express execution", MapRun: "map run", 0: "Kind(0)", 99: "Kind(99)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
	for k, want := range map[Kind]string{StateMachine: "a state machine", Version: "a state machine version", Alias: "an alias",
		Execution: "an execution", Express: "an Express execution", MapRun: "a map run", Activity: "an activity"} {
		if got := k.Indefinite(); got != want {
			t.Errorf("Kind(%d).Indefinite() = %q, want %q", int(k), got, want)
		}
	}
}

func TestParseKinds(t *testing.T) {
	const machine = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders.v2"
	const execution = "arn:aws:states:eu-west-1:111122223333:execution:orders.v2:r1"
	for _, tc := range []struct {
		parse func(string) (ARN, error)
		name  string
		in    string
		kind  Kind // 0: a *KindError
	}{
		{ParseStateMachine, "ParseStateMachine", machine, StateMachine},
		{ParseStateMachine, "ParseStateMachine", machine + ":2", Version},
		{ParseStateMachine, "ParseStateMachine", machine + ":prod", Alias},
		{ParseStateMachine, "ParseStateMachine", execution, 0},
		{ParseExecution, "ParseExecution", execution, Execution},
		{ParseExecution, "ParseExecution", machine, 0},
	} {
		a, err := tc.parse(tc.in)
		var ke *KindError
		switch {
		case tc.kind == 0 && !errors.As(err, &ke):
			t.Errorf("%s(%q) = %v, want a *KindError", tc.name, tc.in, err)
		case tc.kind != 0 && (err != nil || a.Kind != tc.kind):
			t.Errorf("%s(%q) = %v, %v, want kind %v", tc.name, tc.in, a.Kind, err, tc.kind)
		}
	}
}

func TestRelatedAndRegionOf(t *testing.T) {
	a, err := Parse("arn:aws:states:eu-west-1:111122223333:stateMachine:orders:prod")
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[Kind]string{
		StateMachine: "arn:aws:states:eu-west-1:111122223333:stateMachine:orders",
		Alias:        "arn:aws:states:eu-west-1:111122223333:stateMachine:orders:*",
		Execution:    "arn:aws:states:eu-west-1:111122223333:execution:orders:*",
		MapRun:       "arn:aws:states:eu-west-1:111122223333:mapRun:orders/*:",
	} {
		if got := a.Related(kind, "*").String(); got != want {
			t.Errorf("Related(%v, \"*\") = %s, want %s", kind, got, want)
		}
	}
	for in, want := range map[string]string{
		"arn:aws:logs:us-east-1:111122223333:log-group:x": "us-east-1",
		"arn:aws:states:eu-west-1:1:stateMachine:m":       "eu-west-1",
		"arn:aws:states:eu-west-1":                        "",
		"urn:aws:states:eu-west-1:1:stateMachine:m":       "",
	} {
		if got := RegionOf(in); got != want {
			t.Errorf("RegionOf(%q) = %q, want %q", in, got, want)
		}
	}
}
