package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"

	"github.com/polysync/stepfunctions/internal/jsonsyntax"
)

// definitionSuffix ends the name of every file 'local --definitions' loads.
const definitionSuffix = ".asl.json"

// yamlDefinitionSuffix ends the name of a YAML definition, which 'local'
// does not read: a YAML parser would be a dependency beyond those the module
// allows, for what one conversion to JSON does once.
const yamlDefinitionSuffix = ".asl.yaml"

// maxDefinitionFile is Step Functions' quota on a definition: 1 MB.
const maxDefinitionFile = 1 << 20

// definitionFile is one state machine definition read from a
// --definitions directory.
type definitionFile struct {
	file       string // the file's name within the directory
	name       string // the state machine's name: file without definitionSuffix
	definition string
}

// readDefinitions reads every *.asl.json file of dir, sorted by name, and
// checks what can be checked before the server runs: the file is at most
// 1 MB of JSON holding an object. The definition itself is checked when the
// state machine is created. skipped lists the *.asl.yaml files, which are
// not read.
func readDefinitions(dir string) (defs []definitionFile, skipped []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		if strings.HasSuffix(name, yamlDefinitionSuffix) {
			skipped = append(skipped, name)
			continue
		}
		if !strings.HasSuffix(name, definitionSuffix) {
			continue
		}
		def, err := readDefinition(dir, name)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		defs = append(defs, def)
	}
	slices.SortFunc(defs, func(a, b definitionFile) int { return strings.Compare(a.file, b.file) })
	return defs, skipped, nil
}

// readDefinition reads the definition file name of dir.
func readDefinition(dir, name string) (definitionFile, error) {
	machine := strings.TrimSuffix(name, definitionSuffix)
	if machine == "" {
		return definitionFile{}, errors.New("no state machine name before " + definitionSuffix)
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return definitionFile{}, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxDefinitionFile+1))
	if err != nil {
		return definitionFile{}, err
	}
	if len(b) > maxDefinitionFile {
		return definitionFile{}, fmt.Errorf("over the definition quota of %d bytes", maxDefinitionFile)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return definitionFile{}, fmt.Errorf("not a JSON object: %w", jsonsyntax.Locate(b, err))
	}
	return definitionFile{file: name, name: machine, definition: string(b)}, nil
}

// createDefinitions creates a Standard state machine from each definition
// through the SDK client at endpoint, and returns their ARNs in order. An
// error names the file and the service's error code and message.
func createDefinitions(ctx context.Context, endpoint, region, account string, defs []definitionFile) ([]string, error) {
	client := awssfn.New(awssfn.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
	role := "arn:aws:iam::" + account + ":role/polysync-sfn-local"
	arns := make([]string, 0, len(defs))
	for _, d := range defs {
		out, err := client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name:       aws.String(d.name),
			Definition: aws.String(d.definition),
			RoleArn:    aws.String(role),
		})
		if err != nil {
			var apiErr smithy.APIError
			if errors.As(err, &apiErr) {
				return nil, fmt.Errorf("%s: %s: %s", d.file, apiErr.ErrorCode(), apiErr.ErrorMessage())
			}
			return nil, fmt.Errorf("%s: %w", d.file, err)
		}
		arns = append(arns, aws.ToString(out.StateMachineArn))
	}
	return arns, nil
}
