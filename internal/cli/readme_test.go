package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/polysync/stepfunctions/sfnlocal"
)

// The README's snippets must not rot: Go snippets are type-checked, every
// polysync-sfn command line in a shell snippet runs against the embedded
// endpoint, and the IAM policies shown must be what iam-policy prints.

type snippet struct {
	lang, body string
	line       int
}

var fenceRE = regexp.MustCompile("(?m)^[ \t]*```([a-z]*)[ \t]*$")

func readmeSnippets(t *testing.T) []snippet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	text := string(data)
	locs := fenceRE.FindAllStringSubmatchIndex(text, -1)
	require.True(t, len(locs)%2 == 0, "README.md has an unclosed code fence")
	var out []snippet
	for i := 0; i < len(locs); i += 2 {
		open, closing := locs[i], locs[i+1]
		lang := text[open[2]:open[3]]
		body := text[open[1]:closing[0]]
		// Snippets inside list items are indented: remove the fence's indentation.
		indent := text[open[0] : open[0]+len(text[open[0]:open[1]])-len(strings.TrimLeft(text[open[0]:open[1]], " \t"))]
		if indent != "" {
			lines := strings.Split(body, "\n")
			for j, l := range lines {
				lines[j] = strings.TrimPrefix(l, indent)
			}
			body = strings.Join(lines, "\n")
		}
		out = append(out, snippet{lang: lang, body: body, line: strings.Count(text[:open[0]], "\n") + 1})
	}
	return out
}

func TestReadmeGoSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checking README snippets runs the go command; skipped with -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	n := 0
	for _, s := range readmeSnippets(t) {
		if s.lang != "go" {
			continue
		}
		n++
		s := s
		t.Run("line_"+strconv.Itoa(s.line), func(t *testing.T) {
			// A folder whose name starts with "_" is ignored by ./... but can be named explicitly.
			dir, err := os.MkdirTemp(root, "_readme_snippet")
			require.NoError(t, err)
			t.Cleanup(func() { os.RemoveAll(dir) })
			require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(s.body), 0o644))
			cmd := exec.Command(goCmd, "vet", "./"+filepath.Base(dir))
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			assert.NoError(t, err, "README.md line %d does not compile:\n%s", s.line, out)
		})
	}
	assert.GreaterOrEqual(t, n, 3, "README Go snippets found")
}

// readmeCommandLines returns the polysync-sfn command lines of the README's
// shell snippets (also those run as 'go run ./cmd/polysync-sfn'), without
// the program name, and where each is.
func readmeCommandLines(t *testing.T) (lines [][]string, where []string) {
	t.Helper()
	for _, s := range readmeSnippets(t) {
		if s.lang != "sh" {
			continue
		}
		for _, line := range strings.Split(strings.ReplaceAll(s.body, "\\\n", " "), "\n") {
			words := shellWords(strings.TrimSpace(strings.SplitN(line, " #", 2)[0]))
			switch {
			case len(words) > 0 && words[0] == "polysync-sfn":
				words = words[1:]
			case len(words) > 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/polysync-sfn":
				words = words[3:]
			default:
				continue
			}
			lines = append(lines, words)
			where = append(where, fmt.Sprintf("README.md line %d: %s", s.line, strings.TrimSpace(line)))
		}
	}
	return lines, where
}

// readmeWorld serves sfnlocal with what the README's examples name: account
// 111122223333 in eu-west-1, state machine orders (version 1, alias prod),
// and startRun, which starts its run Polysync-0193: that waits an hour (3.6 s
// at the time scale) before it computes the total.
func readmeWorld(t *testing.T) (env map[string]string, startRun func()) {
	t.Helper()
	srv := sfnlocal.New(sfnlocal.WithRegion("eu-west-1"), sfnlocal.WithAccountID("111122223333"), sfnlocal.WithTimeScale(1000))
	t.Cleanup(func() { srv.Close() })
	endpoint, err := srv.Listen("127.0.0.1:0")
	require.NoError(t, err)
	client := awssfn.New(awssfn.Options{Region: "eu-west-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("admin", "admin-secret", "")})
	ctx := context.Background()
	created, err := client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
		Name: aws.String("orders"), RoleArn: aws.String("arn:aws:iam::111122223333:role/orders"),
		Definition: aws.String(`{"StartAt":"Route","States":{
			"Route":{"Type":"Choice","Choices":[{"Variable":"$.slow","IsPresent":true,"Next":"Hold"}],"Default":"Total"},
			"Hold":{"Type":"Wait","Seconds":3600,"Next":"Total"},
			"Total":{"Type":"Pass","Result":{"total":42.5},"End":true}}}`),
	})
	require.NoError(t, err)
	v1, err := client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{StateMachineArn: created.StateMachineArn})
	require.NoError(t, err)
	_, err = client.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("prod"),
		RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{{StateMachineVersionArn: v1.StateMachineVersionArn, Weight: 100}}})
	require.NoError(t, err)
	startRun = func() {
		_, err := client.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: created.StateMachineArn,
			Name: aws.String("Polysync-0193"), Input: aws.String(`{"slow":true}`)})
		require.NoError(t, err)
	}
	return map[string]string{"AWS_ENDPOINT_URL_SFN": endpoint}, startRun
}

// TestReadmeCommandLinesRun runs every polysync-sfn command line of the
// README, in order, against readmeWorld: each must succeed, and say what the
// README says it does. A '> file' redirection writes stdout to that file in
// the test's directory, where order.json is too; 'local' listens on a free
// port and stops once it serves.
func TestReadmeCommandLinesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the README's commands against the embedded endpoint; skipped with -short")
	}
	lines, where := readmeCommandLines(t)
	env, startRun := readmeWorld(t)
	started := false
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.WriteFile("order.json", []byte(`{"orderId":"A-1018","items":[{"sku":"tea"}]}`), 0o600))
	require.GreaterOrEqual(t, len(lines), 15, "README polysync-sfn command lines found")
	for i, words := range lines {
		// The run the examples follow starts just before the first of them, so that it is still waiting when
		// they look at it and cancel it, however slow the lines before (demo) were.
		if !started && slices.ContainsFunc(words, func(w string) bool { return strings.HasSuffix(w, ":Polysync-0193") }) {
			startRun()
			started = true
		}
		var redirect string
		if n := len(words); n >= 2 && words[n-2] == ">" {
			words, redirect = words[:n-2], words[n-1]
		}
		var stdout, stderr bytes.Buffer
		ctx := context.Background()
		var outW io.Writer = &stdout
		if len(words) > 0 && words[0] == "local" {
			for j, w := range words {
				if w == "--addr" {
					words[j+1] = "127.0.0.1:0" // the README's port may be taken here
				}
			}
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			defer cancel()
			outW = &cancelOnWrite{trigger: "Serving", cancel: cancel}
		}
		code := Main(ctx, words, outW, &stderr, func(k string) string { return env[k] })
		if w, ok := outW.(*cancelOnWrite); ok {
			stdout.WriteString(w.String())
		}
		require.Equal(t, ExitOK, code, "%s\nstdout: %s\nstderr: %s", where[i], stdout.String(), stderr.String())
		if redirect != "" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, redirect), stdout.Bytes(), 0o600))
		}
		out := stdout.String()
		switch {
		case words[0] == "run" && slices.Contains(words, "--input"):
			assert.Contains(t, out, `"RunID": "arn:aws:states:eu-west-1:111122223333:execution:orders:order-A-1018"`, where[i])
			assert.Contains(t, out, `"Result": "started"`, where[i])
		case words[0] == "run":
			assert.Regexp(t, `total\s+\(number\)\s+= 42.5`, out, where[i])
		case words[0] == "describe":
			assert.Regexp(t, `Versions \(1\):\n\s+1\s`, out, where[i])
			assert.Contains(t, out, "Definition:", where[i])
		case words[0] == "cancel":
			assert.Contains(t, out, "Cancelled arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193", where[i])
		case words[0] == "redrive", words[0] == "status" && slices.Contains(words, "--wait"):
			assert.Regexp(t, `State\s+Success`, out, where[i])
		case words[0] == "history":
			assert.Contains(t, out, "WaitStateEntered", where[i])
		case words[0] == "--version":
			assert.True(t, strings.HasPrefix(out, "polysync-sfn "), where[i])
		case words[0] == "local":
			assert.Contains(t, out, "Serving Step Functions on http://127.0.0.1:", where[i])
		}
		if redirect == "p.json" {
			var doc policyDocument
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &doc), "%s prints JSON that IAM takes", where[i])
			assert.Equal(t, "2012-10-17", doc.Version)
		}
	}
}

func TestReadmePoliciesMatchIAMPolicyCommand(t *testing.T) {
	var jsonSnippets []string
	for _, s := range readmeSnippets(t) {
		if s.lang == "json" {
			jsonSnippets = append(jsonSnippets, s.body)
		}
	}
	require.Len(t, jsonSnippets, 3, "the README shows the trust policy, the permissions policy and its logs statement")
	code, stdout, stderr := runCLI(t, nil, "iam-policy", "--json",
		"--state-machine", "arn:aws:states:eu-west-1:111122223333:stateMachine:orders",
		"--entra-tenant", "72f988bf-86f1-41af-91ab-2d7cd011db47", "--subject", "0a1b2c3d-aaaa-bbbb-cccc-1234567890ab")
	require.Equal(t, ExitOK, code, stderr)
	var printed map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &printed))
	assert.JSONEq(t, string(printed["TrustPolicy"]), jsonSnippets[0], "README trust policy")
	assert.JSONEq(t, string(printed["PermissionsPolicy"]), jsonSnippets[1], "README permissions policy")

	code, stdout, stderr = runCLI(t, nil, "iam-policy", "--json",
		"--state-machine", "arn:aws:states:eu-west-1:111122223333:stateMachine:quotes",
		"--log-group", "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/quotes:*")
	require.Equal(t, ExitOK, code, stderr)
	var withLogs struct{ PermissionsPolicy policyDocument }
	require.NoError(t, json.Unmarshal([]byte(stdout), &withLogs))
	statements := withLogs.PermissionsPolicy.Statement
	last, err := json.Marshal(statements[len(statements)-1])
	require.NoError(t, err)
	assert.JSONEq(t, string(last), jsonSnippets[2], "README logs statement")
}

// shellWords splits a command line into words, honouring single and double quotes.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// TestReadmeDocumentsEveryCommandAndFlag checks that the README's command-line
// section names every command and every flag each takes.
func TestReadmeDocumentsEveryCommandAndFlag(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	text := string(data)
	start := strings.Index(text, "## The command line")
	end := strings.Index(text, "## The embedded endpoint")
	require.True(t, start >= 0 && end > start, "README has a command-line section")
	section := text[start:end]
	a := &app{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	root := a.rootCommand()
	assert.True(t, strings.Contains(section, "`polysync-sfn --version`"), "README documents --version")
	for _, cmd := range root.Commands() {
		if cmd.Hidden || cmd.Name() == "help" {
			continue
		}
		assert.True(t, strings.Contains(section, "| `"+cmd.Name()), "README documents the %s command", cmd.Name())
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" || f.Name == "verbose" {
				return // every command's, said once
			}
			assert.True(t, strings.Contains(section, "`--"+f.Name), "README documents %s --%s", cmd.Name(), f.Name)
		})
	}
}
