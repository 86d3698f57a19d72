package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's snippets must not rot: Go snippets are type-checked, every
// polysync-sfn command line in a shell snippet must parse, and the IAM
// policies shown must be what iam-policy prints.

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

func TestReadmeCommandLinesParse(t *testing.T) {
	n := 0
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
			n++
			a := &app{stdout: os.Stdout, stderr: os.Stderr, getenv: func(string) string { return "" }}
			root := a.rootCommand()
			cmd, rest, err := root.Find(words)
			require.NoError(t, err, "README.md line %d: %s", s.line, line)
			require.NotEqual(t, root, cmd, "README.md line %d names no subcommand: %s", s.line, line)
			assert.NoError(t, cmd.ParseFlags(rest), "README.md line %d: %s", s.line, line)
			if cmd.Args != nil {
				assert.NoError(t, cmd.Args(cmd, cmd.Flags().Args()), "README.md line %d: %s", s.line, line)
			}
		}
	}
	assert.GreaterOrEqual(t, n, 8, "README polysync-sfn command lines found")
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
