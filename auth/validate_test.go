package auth

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateRoleARN(t *testing.T) {
	tests := []struct {
		arn     string
		wantErr string // empty: valid
	}{
		{arn: "arn:aws:iam::123456789012:role/polysync"},
		{arn: "arn:aws:iam::123456789012:role/service-role/team/polysync+sfn=1,a.b@c-d_e"},
		{arn: "arn:aws-cn:iam::123456789012:role/polysync"},
		{arn: "arn:aws-us-gov:iam::123456789012:role/polysync"},
		{arn: "", wantErr: "role ARN is empty"},
		{arn: " arn:aws:iam::123456789012:role/polysync", wantErr: "leading or trailing whitespace"},
		{arn: "polysync", wantErr: "six colon-separated ARN fields"},
		{arn: "arn:azure:iam::123456789012:role/x", wantErr: `partition "azure" is not an AWS partition`},
		{arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:x", wantErr: `service is "states", not iam`},
		{arn: "arn:aws:iam:eu-west-1:123456789012:role/x", wantErr: `IAM ARNs have no region, got "eu-west-1"`},
		{arn: "arn:aws:iam::1234567890123:role/x", wantErr: `account "1234567890123" is not 12 digits`},
		{arn: "arn:aws:iam::123456789012:policy/x", wantErr: `resource type is "policy", not role`},
		{arn: "arn:aws:iam::123456789012:role/", wantErr: `role name ""`},
		{arn: "arn:aws:iam::123456789012:role/has space", wantErr: `role name "has space"`},
		{arn: "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 65), wantErr: "must be 1-64"},
		{arn: "arn:aws:iam::123456789012:role//x", wantErr: "empty segment"},
		{arn: "arn:aws:sts::123456789012:assumed-role/polysync/session", wantErr: "arn:aws:iam::123456789012:role/<name>"},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			err := validateRoleARN(tt.arn)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("validateRoleARN(%q) = %v, want nil", tt.arn, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("validateRoleARN(%q) = %v, want error containing %q", tt.arn, err, tt.wantErr)
			}
		})
	}
}

func FuzzValidateRoleARN(f *testing.F) {
	f.Add("arn:aws:iam::123456789012:role/polysync")
	f.Add("arn:aws:iam::123456789012:role/a/b/c")
	f.Add("arn:aws:sts::123456789012:assumed-role/x/y")
	f.Fuzz(func(t *testing.T, arn string) {
		err := validateRoleARN(arn)
		if err != nil {
			if !utf8.ValidString(err.Error()) {
				t.Errorf("validateRoleARN(%q) error is not valid UTF-8", arn)
			}
			return
		}
		// Anything accepted has the shape STS needs.
		if !strings.HasPrefix(arn, "arn:aws") || !strings.Contains(arn, ":iam::") || !strings.Contains(arn, ":role/") ||
			strings.ContainsAny(arn, " \t\n") {
			t.Errorf("validateRoleARN(%q) = nil for a string that is not a role ARN", arn)
		}
	})
}

func TestValidateSessionName(t *testing.T) {
	for _, name := range []string{"ab", "polysync-1732480000", "a+b=c,d.e@f-g_h", strings.Repeat("n", 64)} {
		if err := validateSessionName(name); err != nil {
			t.Errorf("validateSessionName(%q) = %v, want nil", name, err)
		}
	}
	for _, name := range []string{"", "a", strings.Repeat("n", 65), "has space", "colon:x", "slash/x", "ünï"} {
		if err := validateSessionName(name); err == nil {
			t.Errorf("validateSessionName(%q) = nil, want an error", name)
		}
	}
}

func TestValidateEndpoint(t *testing.T) {
	tests := []struct {
		endpoint string
		wantErr  string // empty: valid
	}{
		{endpoint: "https://sts.eu-west-1.amazonaws.com"},
		{endpoint: "https://vpce-0123-abcd.sts.eu-west-1.vpce.amazonaws.com"},
		{endpoint: "http://127.0.0.1:4566"},
		{endpoint: "http://127.8.9.10"},
		{endpoint: "http://localhost:4566"},
		{endpoint: "HTTP://LOCALHOST:4566"},
		{endpoint: "http://[::1]:4566"},
		{endpoint: "http://localstack:4566", wantErr: "not loopback"},
		{endpoint: "http://10.0.0.5:4566", wantErr: "not loopback"},
		{endpoint: "http://sts.eu-west-1.amazonaws.com", wantErr: "not loopback"},
		{endpoint: "http://localhost.attacker.example", wantErr: "not loopback"},
		{endpoint: "ftp://sts.example", wantErr: "absolute http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			err := validateEndpoint(tt.endpoint)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("validateEndpoint(%q) = %v, want nil", tt.endpoint, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) ||
				!strings.Contains(err.Error(), "AWS_ENDPOINT_URL_STS") && tt.wantErr == "not loopback"):
				t.Errorf("validateEndpoint(%q) = %v, want error containing %q", tt.endpoint, err, tt.wantErr)
			}
		})
	}
}
