package cli

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeFiles writes name -> content into a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
	}
	return dir
}

const passDefinition = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"End":true}}}`

func TestLocalCreatesMachinesFromDefinitions(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"orders.asl.json":   passDefinition,
		"billing.asl.json":  `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}`,
		"notes.txt":         "not a definition",
		"flows.asl.yaml":    "StartAt: P\n",
		"orders.asl.json.~": "{", // an editor's backup: not *.asl.json
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"local", "--addr", "127.0.0.1:0", "--region", "eu-west-1", "--definitions", dir},
			pw, &stderr, func(string) string { return "" })
		pw.Close()
	}()
	lines := bufio.NewReader(pr)
	line, err := lines.ReadString('\n')
	require.NoError(t, err)
	m := regexp.MustCompile(`Serving Step Functions on (http://127\.0\.0\.1:\d+) `).FindStringSubmatch(line)
	require.NotNil(t, m, "first line: %q", line)
	endpoint := m[1]

	// The ARNs are printed, one line per file, sorted by file name; then how
	// to reach the endpoint, start-sync-execution with the host prefix off.
	var created []string
	var printed strings.Builder
	for !strings.HasPrefix(line, "  polysync-sfn") {
		line, err = lines.ReadString('\n')
		require.NoError(t, err, "local printed no polysync-sfn line: %s", printed.String())
		printed.WriteString(line)
		if words := strings.Fields(line); len(words) == 4 && words[0] == "created" {
			created = append(created, words[1]+" "+words[3])
		}
	}
	go io.Copy(io.Discard, pr)
	arn := "arn:aws:states:eu-west-1:123456789012:stateMachine:"
	assert.Equal(t, []string{arn + "billing billing.asl.json", arn + "orders orders.asl.json"}, created)
	assert.Contains(t, printed.String(), "AWS_DISABLE_HOST_PREFIX_INJECTION=true aws stepfunctions --endpoint-url "+endpoint+
		" --region eu-west-1 start-sync-execution")
	assert.Contains(t, stderr.String(), "flows.asl.yaml skipped: YAML is not read; convert it to flows.asl.json")

	client := awssfn.New(awssfn.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", ""),
	})
	out, err := client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + "orders")})
	require.NoError(t, err)
	assert.Equal(t, passDefinition, aws.ToString(out.Definition))
	assert.Equal(t, "STANDARD", string(out.Type))
	list, err := client.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{})
	require.NoError(t, err)
	assert.Len(t, list.StateMachines, 2)

	assertStops(t, cancel, done)
}

func TestLocalRejectsBadDefinitions(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{"not JSON", map[string]string{"ok.asl.json": passDefinition, "broken.asl.json": "{\n  \"StartAt\": \"P\",\n  oops\n}"},
			"broken.asl.json: not a JSON object: line 3, column 3: invalid character 'o'"},
		{"JSON but no object", map[string]string{"list.asl.json": `[1]`}, "list.asl.json: not a JSON object"},
		{"empty", map[string]string{"empty.asl.json": ``}, "empty.asl.json: not a JSON object"},
		{"no name", map[string]string{".asl.json": passDefinition}, ".asl.json: no state machine name before .asl.json"},
		{"invalid definition", map[string]string{"nostart.asl.json": `{"States":{"P":{"Type":"Pass","End":true}}}`},
			"nostart.asl.json: InvalidDefinition: "},
		{"invalid name", map[string]string{"a b.asl.json": passDefinition}, "a b.asl.json: InvalidName: "},
		{"too long", map[string]string{"big.asl.json": `{"Comment":"` + strings.Repeat("x", maxDefinitionFile) + `"}`},
			"big.asl.json: over the definition quota of 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			code, stdout, stderr := runCLI(t, nil, "local", "--addr", "127.0.0.1:0", "--definitions", dir)
			assert.Equal(t, ExitUsage, code)
			assert.Contains(t, stderr, "--definitions "+dir+": "+tt.wantErr)
			assert.NotContains(t, stdout, "Serving", "local served despite a bad definition")
		})
	}

	missing := filepath.Join(t.TempDir(), "nope")
	code, _, stderr := runCLI(t, nil, "local", "--addr", "127.0.0.1:0", "--definitions", missing)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "--definitions "+missing+": open "+missing+": no such file or directory")
}
