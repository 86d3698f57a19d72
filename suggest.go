package stepfunctions

import (
	"context"
	"errors"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/asl"
	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// SuggestParameters reads the job's definition and returns the parameters it suggests: the top-level properties of
// the execution input the state machine reads (Input) and of the output its last states write (Output; InputOutput
// for a property that is both). Step Functions declares no schema, so these are read from the definition with the
// Amazon States Language rules below; Value is always empty.
//
// Inputs are what the definition reads of the execution input before any state transforms it: the fields of the
// start state, and of the states after it that pass their input on (Choice, Wait, a Pass state without a result,
// a state whose ResultPath writes one property of its input, less the properties so written), that read the input:
// InputPath, the paths and intrinsic function arguments of Parameters and ItemSelector, ItemsPath, a Choice rule's
// Variable and ...Path operand, the ...Path fields of Wait, Task, Map and Fail states; and in JSONata states
// $states.input.name. $$.Execution.Input.name (JSONPath) and $states.context.Execution.Input.name (JSONata) count
// wherever they are. A DataType is set where the definition tells it, else left empty (BuildInput then sends the
// value as a string, or embedded when it is a JSON object or array): number, boolean or string from a Choice
// comparison (NumericEquals, BooleanEquals, StringEquals, IsString, TimestampEquals is a string, ...), from a Wait's
// SecondsPath (number) or TimestampPath (string) and the other typed ...Path fields, and from intrinsic function
// arguments (States.MathAdd: number); json for ItemsPath (an array) and for a property read deeper ($.name.deeper,
// $.name[0]). Optional is set for an input that the definition tests with IsPresent (or JSONata's $exists) and the
// start state does not read outside a Choice rule: a run may leave it out.
//
// Outputs are the keys of what the last states (End, or Succeed) write where the definition says: a Pass state's
// Result or Parameters, a ResultSelector, a JSONata Output object, the property a ResultPath writes, and what
// passes through to the last state unchanged; typed from literal values.
//
// Parameters are in the order the definition reads them, from the start state on, inputs first. Of two names that
// differ only in case, which BuildInput would refuse together, the first is kept.
//
// job.ID may be a state machine, version or alias ARN; an alias is read at the version it routes most runs to
// (DescribeStateMachineAlias). The definition comes from DescribeStateMachine, which needs states:DescribeStateMachine
// and, for a state machine encrypted with a customer managed KMS key, kms:Decrypt on that key (without it the
// error is ErrAccessDenied, saying so).
func (p *Provider) SuggestParameters(ctx context.Context, job Job) (params []Parameter, err error) {
	const op = "SuggestParameters"
	ctx, span := p.beginOp(ctx, op, attrJob.String(job.ID))
	defer span.end(&err, nil)
	sm, err := p.parseJobID(op, job.ID)
	if err != nil {
		return nil, err
	}
	target, err := p.definitionTarget(ctx, sm)
	if err != nil {
		return nil, err
	}
	d, err := p.describeDefinition(ctx, target)
	if err != nil {
		return nil, err
	}
	params, problems, err := suggestParameters(aws.ToString(d.Definition))
	if err != nil {
		return nil, &Error{Op: op, API: sfnops.DescribeStateMachine, Resource: job.ID, Kind: ErrInvalidInput, Err: err,
			Hint: "the definition Step Functions returned is not an Amazon States Language document"}
	}
	if len(problems) > 0 {
		p.log.LogAttrs(ctx, slog.LevelDebug, "definition read although the local parser refuses it",
			slog.String("job", job.ID), slog.Int("problems", len(problems)))
	}
	return params, nil
}

// definitionTarget returns the ARN whose definition SuggestParameters reads: sm itself, or for an alias the version
// it routes most runs to.
func (p *Provider) definitionTarget(ctx context.Context, sm sfnarn.ARN) (string, error) {
	target := sm.String()
	if sm.Kind != sfnarn.Alias {
		return target, nil
	}
	a, err := p.describeAlias(ctx, target)
	if err != nil {
		return "", err
	}
	best := int32(-1)
	for _, r := range a.RoutingConfiguration {
		if r.Weight > best && aws.ToString(r.StateMachineVersionArn) != "" {
			best, target = r.Weight, aws.ToString(r.StateMachineVersionArn)
		}
	}
	return target, nil
}

// describeDefinition describes the state machine or version with ARN arn, with its definition.
func (p *Provider) describeDefinition(ctx context.Context, arn string) (*sfn.DescribeStateMachineOutput, error) {
	d, err := p.describeStateMachine(ctx, arn, types.IncludedDataAllData)
	var e *Error
	if errors.As(err, &e) && apiErrorCode(err) == "KmsAccessDeniedException" {
		e.Hint = "the definition is encrypted with a customer managed KMS key: grant the caller kms:Decrypt on that key"
	}
	return d, err
}

// describeAlias describes the alias with ARN arn.
func (p *Provider) describeAlias(ctx context.Context, arn string) (*sfn.DescribeStateMachineAliasOutput, error) {
	return callAPI(ctx, p, sfnops.DescribeStateMachineAlias, arn, func(ctx context.Context) (*sfn.DescribeStateMachineAliasOutput, error) {
		return p.client.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(arn)})
	})
}

// suggestion is what a definition says of one property.
type suggestion struct {
	name                string
	input, output       bool
	deeper              bool
	inKinds, outKinds   map[string]bool
	presence, unguarded bool
}

// suggestParameters returns the parameters a definition suggests (see SuggestParameters), and the problems the
// local parser found with it, which do not stop the reading.
func suggestParameters(definition string) ([]Parameter, []string, error) {
	refs, err := asl.ExecutionIO(definition)
	if err != nil {
		return nil, nil, err
	}
	var order []*suggestion
	byName := map[string]*suggestion{}
	folded := map[string]string{}
	get := func(name string) *suggestion {
		if s := byName[name]; s != nil {
			return s
		}
		key := foldKey(name)
		if first, ok := folded[key]; ok && first != name {
			return nil
		}
		folded[key] = name
		s := &suggestion{name: name, inKinds: map[string]bool{}, outKinds: map[string]bool{}}
		byName[name] = s
		order = append(order, s)
		return s
	}
	for _, r := range refs.Inputs {
		s := get(r.Name)
		if s == nil || r.Name == "" {
			continue
		}
		s.input = true
		s.deeper = s.deeper || r.Deeper
		switch {
		case r.Presence:
			s.presence = true
		case r.Start && r.Field != "Choices":
			s.unguarded = true
		}
		if r.Kind != "" {
			s.inKinds[r.Kind] = true
		}
	}
	for _, r := range refs.Outputs {
		s := get(r.Name)
		if s == nil || r.Name == "" {
			continue
		}
		s.output = true
		s.outKinds[r.Kind] = true
	}
	params := make([]Parameter, 0, len(order))
	for _, s := range order {
		if s.name == "" {
			continue
		}
		prm := Parameter{Name: s.name, Direction: DirectionInput}
		switch {
		case s.input && s.output:
			prm.Direction = DirectionInputOutput
		case s.output:
			prm.Direction = DirectionOutput
		}
		if s.input {
			prm.DataType = dataTypeOf(s.inKinds, s.deeper)
			prm.Optional = s.presence && !s.unguarded
		}
		if prm.DataType == "" && s.output {
			prm.DataType = dataTypeOf(s.outKinds, false)
		}
		params = append(params, prm)
	}
	// Inputs first, keeping the order of each group.
	inputs := params[:0:0]
	var outputs []Parameter
	for _, prm := range params {
		if prm.Direction == DirectionOutput {
			outputs = append(outputs, prm)
		} else {
			inputs = append(inputs, prm)
		}
	}
	return append(inputs, outputs...), refs.Problems, nil
}

// dataTypeOf maps the kinds the definition says a property has to its DataType: "" unless they agree.
func dataTypeOf(kinds map[string]bool, deeper bool) DataType {
	if deeper {
		return DataTypeJSON
	}
	if len(kinds) != 1 {
		return ""
	}
	for k := range kinds {
		switch k {
		case asl.KindString:
			return DataTypeString
		case asl.KindNumber:
			return DataTypeNumber
		case asl.KindBoolean:
			return DataTypeBoolean
		case asl.KindObject, asl.KindArray:
			return DataTypeJSON
		}
	}
	return ""
}
