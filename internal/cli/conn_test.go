package cli

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigChoosesCredentials(t *testing.T) {
	const (
		keyID  = "AKIAIOSFODNN7EXAMPLE"
		secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	)
	tests := []struct {
		name       string
		env        map[string]string
		conn       connFlags
		wantRegion string
		wantCreds  string
		wantEndpt  string
	}{
		{
			name:       "role and token file flags: web identity",
			env:        map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret},
			conn:       connFlags{roleARN: "arn:aws:iam::111122223333:role/p", tokenFile: "/run/token"},
			wantRegion: "eu-west-1",
			wantCreds:  "web-identity(role=arn:aws:iam::111122223333:role/p, token=file:/run/token)",
		},
		{
			name:       "AZURE_FEDERATED_TOKEN_FILE with AWS_ROLE_ARN",
			env:        map[string]string{"AWS_DEFAULT_REGION": "us-west-2", "AZURE_FEDERATED_TOKEN_FILE": "/var/run/azure", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/p"},
			wantRegion: "us-west-2",
			wantCreds:  "web-identity(role=arn:aws:iam::111122223333:role/p, token=file:/var/run/azure)",
		},
		{
			name:       "token file flag with AWS_ROLE_ARN",
			env:        map[string]string{"AWS_REGION": "eu-west-1", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/p"},
			conn:       connFlags{tokenFile: "/run/token"},
			wantRegion: "eu-west-1",
			wantCreds:  "web-identity(role=arn:aws:iam::111122223333:role/p, token=file:/run/token)",
		},
		{
			name:       "AWS_WEB_IDENTITY_TOKEN_FILE wins over the Azure file",
			env:        map[string]string{"AWS_REGION": "eu-west-1", "AWS_WEB_IDENTITY_TOKEN_FILE": "/aws", "AZURE_FEDERATED_TOKEN_FILE": "/azure", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/p"},
			wantRegion: "eu-west-1",
			wantCreds:  "web-identity(role=arn:aws:iam::111122223333:role/p, token=file:/aws)",
		},
		{
			name:       "access keys from the environment",
			env:        map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret},
			wantRegion: "eu-west-1",
			wantCreds:  "static(AKIA****MPLE)",
		},
		{
			name:       "assume role chains on the keys, with an external ID",
			env:        map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret},
			conn:       connFlags{assumeRoleARN: "arn:aws:iam::444455556666:role/x", externalID: "ext-123"},
			wantRegion: "eu-west-1",
			wantCreds:  "assume-role(role=arn:aws:iam::444455556666:role/x, external-id=****, base=static(AKIA****MPLE))",
		},
		{
			name:       "loopback endpoint without credentials: local keys",
			env:        map[string]string{"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SFN": "http://127.0.0.1:8083"},
			wantRegion: "us-east-1",
			wantEndpt:  "http://127.0.0.1:8083",
			wantCreds:  "static(poly****ocal)",
		},
		{
			name:       "remote endpoint without credentials: default chain",
			conn:       connFlags{region: "eu-central-1", endpoint: "https://states.example.internal"},
			wantRegion: "eu-central-1",
			wantEndpt:  "https://states.example.internal",
			wantCreds:  "default-chain",
		},
		{
			name:       "flags win over the environment",
			env:        map[string]string{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_SFN": "http://127.0.0.1:1"},
			conn:       connFlags{region: "ap-south-1", endpoint: "http://localhost:9"},
			wantRegion: "ap-south-1",
			wantEndpt:  "http://localhost:9",
			wantCreds:  "static(poly****ocal)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{getenv: func(k string) string { return tt.env[k] }, conn: tt.conn}
			cfg, err := a.config(context.Background(), "")
			require.NoError(t, err)
			assert.Equal(t, tt.wantRegion, cfg.Region)
			assert.Equal(t, tt.wantEndpt, cfg.Endpoint)
			require.NotNil(t, cfg.Credentials)
			assert.Equal(t, tt.wantCreds, cfg.Credentials.String())
			assert.NotContains(t, cfg.Credentials.String(), secret)
		})
	}
}

// A bad region or endpoint is reported under the name the operator used:
// the flag, or the environment variable it came from.
func TestConfigNamesTheBadSetting(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
	}{
		{"endpoint from the environment", map[string]string{"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SFN": "127.0.0.1:8083"}, nil,
			`AWS_ENDPOINT_URL_SFN "127.0.0.1:8083": want an http or https URL such as http://127.0.0.1:8083`},
		{"endpoint flag", map[string]string{"AWS_REGION": "us-east-1"}, []string{"--endpoint", "localhost:8083"},
			`--endpoint "localhost:8083": want an http or https URL such as http://127.0.0.1:8083`},
		{"region from the environment", map[string]string{"AWS_REGION": "Bad_Region"}, nil,
			`AWS_REGION "Bad_Region": not an AWS region name such as eu-west-1`},
		{"region from the older variable", map[string]string{"AWS_DEFAULT_REGION": "europe"}, nil,
			`AWS_DEFAULT_REGION "europe": not an AWS region name such as eu-west-1`},
		{"region flag", nil, []string{"--region", "eu"}, `--region "eu": not an AWS region name such as eu-west-1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.env, append([]string{"jobs"}, tt.args...)...)
			assert.Equal(t, ExitUsage, code)
			assert.Contains(t, stderr, tt.wantErr)
			assert.NotContains(t, stderr, "Config.")
		})
	}
}
