package sfnlocaltest

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// groups lists every scenario of the suite, in the order Run runs them.
var groups = []group{
	{name: "StateMachines", scenarios: []scenario{
		{name: "Lifecycle", run: testMachineLifecycle},
		{name: "CreateIdenticalReturnsSameArn", run: testCreateIdentical},
		{name: "CreateConflicting", needs: []capability{rejectsConflictingCreate}, run: testCreateConflicting},
		{name: "ListPagination", run: testListStateMachinesPagination},
		{name: "ListItemFields", run: testListItemFields},
		{name: "Errors", run: testMachineErrors},
		{name: "InvalidDefinition", needs: []capability{validatesDefinitions}, run: testInvalidDefinition},
		{name: "ParameterValidation", needs: []capability{validatesParameters}, run: testParameterValidation},
	}},
	{name: "Executions", scenarios: []scenario{
		{name: "StartDescribeStopList", run: testExecutionLifecycle},
		{name: "StandardNameIdempotency", run: testStandardIdempotency},
		{name: "DefaultNameAndInput", run: testDefaultNameAndInput},
		{name: "ListPagination", run: testListExecutionsPagination},
		{name: "Errors", run: testExecutionErrors},
		{name: "InputSizeLimit", needs: []capability{inputSizeLimit}, run: testInputSizeLimit},
		{name: "PassSucceeds", needs: []capability{runsDefinitions}, run: testPassSucceeds},
		{name: "FailFails", needs: []capability{runsDefinitions}, run: testFailFails},
	}},
	{name: "Definitions", scenarios: definitionScenarios()},
	{name: "History", scenarios: []scenario{
		{name: "PassMachine", needs: []capability{runsDefinitions}, run: testHistoryPass},
		{name: "FirstStateEnteredFollowsNoEvent", needs: []capability{runsDefinitions}, run: testHistoryFirstPrevious},
		{name: "Stopped", needs: []capability{runsDefinitions}, run: testHistoryStopped},
		{name: "Failed", needs: []capability{runsDefinitions}, run: testHistoryFailed},
		{name: "ChoiceParallelMap", needs: []capability{runsDefinitions}, run: testHistoryChoiceParallelMap},
		{name: "Pagination", needs: []capability{runsDefinitions}, run: testHistoryPagination},
	}},
	{name: "Express", scenarios: []scenario{
		{name: "UniqueArnsNotDescribable", needs: []capability{expressMachines}, run: testExpressExecutions},
		{name: "StartSyncExecution", needs: []capability{expressSync, runsDefinitions}, run: testStartSync},
		{name: "StartSyncExecutionStandard", needs: []capability{expressSync}, run: testStartSyncStandard},
	}},
	{name: "VersionsAndAliases", scenarios: []scenario{
		{name: "PublishListStart", needs: []capability{versionsAndAliases}, run: testVersionsAndAliases},
	}},
	{name: "Redrive", scenarios: []scenario{
		{name: "FailedAndSucceeded", needs: []capability{redrive, runsDefinitions}, run: testRedrive},
	}},
	{name: "Tags", scenarios: []scenario{
		{name: "TagListUntag", run: testTags},
		{name: "MissingResource", needs: []capability{tagsNeedResource}, run: testTagMissingResource},
	}},
}

// testMachineLifecycle creates, describes, updates and deletes a state
// machine, checking what each step answers.
func testMachineLifecycle(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	name := h.name("life")
	def1 := passDefinition(`{"v":1}`)
	created := h.createMachine(t, name, def1, machineOptions{})
	arn := aws.ToString(created.StateMachineArn)
	if created.CreationDate == nil || created.CreationDate.IsZero() {
		t.Errorf("CreateStateMachine(%q) creationDate is empty", name)
	}

	d, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeStateMachine(%q): %v", arn, err)
	}
	for _, c := range []struct{ field, got, want string }{
		{"stateMachineArn", aws.ToString(d.StateMachineArn), arn},
		{"name", aws.ToString(d.Name), name},
		{"status", string(d.Status), string(types.StateMachineStatusActive)},
		{"type", string(d.Type), string(types.StateMachineTypeStandard)},
		{"roleArn", aws.ToString(d.RoleArn), h.roleArn()},
		{"definition", aws.ToString(d.Definition), def1},
	} {
		if c.got != c.want {
			t.Errorf("DescribeStateMachine(%q).%s = %q, want %q", name, c.field, c.got, c.want)
		}
	}
	if d.CreationDate == nil || !d.CreationDate.Equal(*created.CreationDate) {
		t.Errorf("DescribeStateMachine(%q).creationDate = %v, want %v as created", name, d.CreationDate, created.CreationDate)
	}

	def2 := passDefinition(`{"v":2}`)
	up, err := h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(def2)})
	if err != nil {
		t.Fatalf("UpdateStateMachine(%q): %v", arn, err)
	}
	if up.UpdateDate == nil || up.UpdateDate.Before(*created.CreationDate) {
		t.Errorf("UpdateStateMachine(%q).updateDate = %v, want a time not before creation %v", name, up.UpdateDate, created.CreationDate)
	}
	d, err = h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeStateMachine(%q) after update: %v", arn, err)
	}
	if got := aws.ToString(d.Definition); got != def2 {
		t.Errorf("DescribeStateMachine(%q).definition after update = %q, want %q", name, got, def2)
	}

	if _, err := h.client.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatalf("DeleteStateMachine(%q): %v", arn, err)
	}
	// AWS deletes asynchronously: the machine is either gone or DELETING.
	d, err = h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err == nil {
		if d.Status != types.StateMachineStatusDeleting {
			t.Errorf("DescribeStateMachine(%q) after delete: status %q, want StateMachineDoesNotExist or DELETING", name, d.Status)
		}
		return
	}
	wantError[*types.StateMachineDoesNotExist](t, "DescribeStateMachine after delete", err)
	for _, m := range h.listMachines(t, 0) {
		if aws.ToString(m.StateMachineArn) == arn {
			t.Errorf("ListStateMachines still lists %q, which DescribeStateMachine says does not exist", arn)
		}
	}
}

// testCreateIdentical checks that CreateStateMachine is idempotent: an
// identical second request answers the existing ARN and creation date.
func testCreateIdentical(t *testing.T, h *harness) {
	name := h.name("twice")
	def := passDefinition(`{"v":1}`)
	first := h.createMachine(t, name, def, machineOptions{})
	second := h.createMachine(t, name, def, machineOptions{})
	if a, b := aws.ToString(first.StateMachineArn), aws.ToString(second.StateMachineArn); a != b {
		t.Errorf("second identical CreateStateMachine ARN = %q, want the first's %q", b, a)
	}
	if !second.CreationDate.Equal(*first.CreationDate) {
		t.Errorf("second identical CreateStateMachine creationDate = %v, want the first's %v", second.CreationDate, first.CreationDate)
	}
}

// testCreateConflicting checks that reusing a name with another definition
// is StateMachineAlreadyExists and leaves the existing machine unchanged.
func testCreateConflicting(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	name := h.name("clash")
	def := passDefinition(`{"v":1}`)
	arn := aws.ToString(h.createMachine(t, name, def, machineOptions{}).StateMachineArn)
	_, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name:       aws.String(name),
		Definition: aws.String(passDefinition(`{"v":2}`)),
		RoleArn:    aws.String(h.roleArn()),
	})
	wantError[*types.StateMachineAlreadyExists](t, "CreateStateMachine with a taken name and another definition", err)
	d, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeStateMachine(%q): %v", arn, err)
	}
	if got := aws.ToString(d.Definition); got != def {
		t.Errorf("definition after the rejected create = %q, want the original %q", got, def)
	}
}

// listMachines lists every state machine, following nextToken with pages of
// pageSize (0: the endpoint's default).
func (h *harness) listMachines(t *testing.T, pageSize int32) []types.StateMachineListItem {
	t.Helper()
	items, _ := h.listMachinePages(t, pageSize)
	return items
}

// listMachinePages is listMachines that also counts the pages read.
func (h *harness) listMachinePages(t *testing.T, pageSize int32) (items []types.StateMachineListItem, pages int) {
	t.Helper()
	in := &sfn.ListStateMachinesInput{MaxResults: pageSize}
	for {
		pages++
		if pages > 1000 {
			t.Fatal("ListStateMachines: more than 1000 pages")
		}
		out, err := h.client.ListStateMachines(h.ctx(t), in)
		if err != nil {
			t.Fatalf("ListStateMachines page %d: %v", pages, err)
		}
		if pageSize > 0 && int32(len(out.StateMachines)) > pageSize {
			t.Errorf("ListStateMachines page %d has %d items, want at most maxResults %d", pages, len(out.StateMachines), pageSize)
		}
		items = append(items, out.StateMachines...)
		if out.NextToken == nil {
			return items, pages
		}
		in.NextToken = out.NextToken
	}
}

// testListStateMachinesPagination creates more state machines than fit on a
// page and checks that following nextToken lists each exactly once.
func testListStateMachinesPagination(t *testing.T, h *harness) {
	const (
		count    = 23
		pageSize = 10
	)
	prefix := "page-" + h.runID + "-"
	want := map[string]bool{}
	for i := range count {
		name := prefix + string(rune('a'+i))
		h.createMachine(t, name, passDefinition(`{}`), machineOptions{})
		want[name] = true
	}
	items, pages := h.listMachinePages(t, pageSize)
	if minPages := (count + pageSize - 1) / pageSize; pages < minPages {
		t.Errorf("ListStateMachines(maxResults %d) read %d pages, want at least %d for %d machines", pageSize, pages, minPages, count)
	}
	seen := map[string]int{}
	for _, m := range items {
		name := aws.ToString(m.Name)
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		seen[name]++
		if got, want := aws.ToString(m.StateMachineArn), h.arn("stateMachine:"+name); got != want {
			t.Errorf("ListStateMachines item %q ARN = %q, want %q", name, got, want)
		}
	}
	for name := range want {
		if seen[name] != 1 {
			t.Errorf("ListStateMachines listed %q %d times, want once", name, seen[name])
		}
	}
	if len(seen) != count {
		t.Errorf("ListStateMachines listed %d of this scenario's machines, want %d", len(seen), count)
	}
}

// testMachineErrors checks the error codes of bad state machine requests.
func testMachineErrors(t *testing.T, h *harness) {
	missing := h.arn("stateMachine:" + h.name("missing"))
	ctx := h.ctx(t)
	runErrorCases(t, []errorCase{
		{"DescribeStateMachineMissing", func() error {
			return errOf(h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(missing)}))
		}, wantError[*types.StateMachineDoesNotExist]},
		{"DescribeStateMachineNotAnArn", func() error {
			return errOf(h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("not-an-arn")}))
		}, wantError[*types.InvalidArn]},
		{"UpdateStateMachineMissing", func() error {
			return errOf(h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(missing), Definition: aws.String(passDefinition(`{}`))}))
		}, wantError[*types.StateMachineDoesNotExist]},
		{"DeleteStateMachineNotAnArn", func() error {
			return errOf(h.client.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String("not-an-arn")}))
		}, wantError[*types.InvalidArn]},
		{"CreateStateMachineNameWithSpace", func() error {
			return errOf(h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("bad name"), Definition: aws.String(passDefinition(`{}`)), RoleArn: aws.String(h.roleArn())}))
		}, wantError[*types.InvalidName]},
		{"CreateStateMachineNameTooLong", func() error {
			return errOf(h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(strings.Repeat("n", 81)), Definition: aws.String(passDefinition(`{}`)), RoleArn: aws.String(h.roleArn())}))
		}, wantNameTooLong},
		{"CreateStateMachineRoleNotAnArn", func() error {
			return errOf(h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(h.name("role")), Definition: aws.String(passDefinition(`{}`)), RoleArn: aws.String("not-an-arn")}))
		}, wantError[*types.InvalidArn]},
		{"ListStateMachinesForgedToken", func() error {
			return errOf(h.client.ListStateMachines(ctx, &sfn.ListStateMachinesInput{NextToken: aws.String("forged-token")}))
		}, wantError[*types.InvalidToken]},
	})
}

// testInvalidDefinition checks that definitions that cannot run are
// rejected at create and update time.
func testInvalidDefinition(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	arn := aws.ToString(h.createMachine(t, h.name("valid"), passDefinition(`{}`), machineOptions{}).StateMachineArn)
	tests := []struct{ name, definition string }{
		{"NotJSON", `{"StartAt":`},
		{"StartAtNamesNoState", `{"StartAt":"Nowhere","States":{"Here":{"Type":"Pass","End":true}}}`},
		{"NextNamesNoState", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}`},
		{"UnknownStateType", `{"StartAt":"A","States":{"A":{"Type":"Teleport","End":true}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
				Name:       aws.String(h.name("invalid")),
				Definition: aws.String(tt.definition),
				RoleArn:    aws.String(h.roleArn()),
			})
			wantError[*types.InvalidDefinition](t, "CreateStateMachine("+tt.definition+")", err)
			_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
				StateMachineArn: aws.String(arn),
				Definition:      aws.String(tt.definition),
			})
			wantError[*types.InvalidDefinition](t, "UpdateStateMachine("+tt.definition+")", err)
		})
	}
}

// testListItemFields checks the members AWS always sets on a
// ListStateMachines item: the model marks stateMachineArn, name, type and
// creationDate as required.
func testListItemFields(t *testing.T, h *harness) {
	machines := []struct {
		express  bool
		wantType types.StateMachineType
	}{{false, types.StateMachineTypeStandard}}
	if h.target.Capabilities.ExpressMachines {
		machines = append(machines, struct {
			express  bool
			wantType types.StateMachineType
		}{true, types.StateMachineTypeExpress})
	}
	created := map[string]*sfn.CreateStateMachineOutput{}
	wantType := map[string]types.StateMachineType{}
	for _, m := range machines {
		name := h.name("item")
		created[name] = h.createMachine(t, name, passDefinition(`{}`), machineOptions{express: m.express})
		wantType[name] = m.wantType
	}
	found := 0
	for _, item := range h.listMachines(t, 0) {
		name := aws.ToString(item.Name)
		c, ok := created[name]
		if !ok {
			continue
		}
		found++
		if got := aws.ToString(item.StateMachineArn); got != aws.ToString(c.StateMachineArn) {
			t.Errorf("ListStateMachines item %q stateMachineArn = %q, want %q", name, got, aws.ToString(c.StateMachineArn))
		}
		if item.Type != wantType[name] {
			t.Errorf("ListStateMachines item %q type = %q, want %q", name, item.Type, wantType[name])
		}
		if item.CreationDate == nil || !item.CreationDate.Equal(*c.CreationDate) {
			t.Errorf("ListStateMachines item %q creationDate = %v, want %v as created", name, item.CreationDate, c.CreationDate)
		}
	}
	if found != len(created) {
		t.Errorf("ListStateMachines listed %d of the %d machines just created", found, len(created))
	}
}

// testParameterValidation checks that requests breaking the service
// model's constraints are ValidationException.
func testParameterValidation(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	smArn := aws.ToString(h.createMachine(t, h.name("params"), waitDefinition, machineOptions{}).StateMachineArn)
	tests := []struct {
		name string
		call func() error
	}{
		{"ListStateMachinesMaxResults1001", func() error {
			return errOf(h.client.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 1001}))
		}},
		{"ListExecutionsMaxResultsNegative", func() error {
			return errOf(h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), MaxResults: -1}))
		}},
		{"ListExecutionsUnknownStatus", func() error {
			return errOf(h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), StatusFilter: "SLEEPING"}))
		}},
		{"CreateStateMachineUnknownType", func() error {
			return errOf(h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(h.name("type")), Definition: aws.String(passDefinition(`{}`)), RoleArn: aws.String(h.roleArn()), Type: "BATCH"}))
		}},
		{"StartExecutionTraceHeader257", func() error {
			out, err := h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smArn), TraceHeader: aws.String(strings.Repeat("t", 257))})
			if err == nil {
				h.stopOnCleanup(t, aws.ToString(out.ExecutionArn))
			}
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// ListStateMachines and ListExecutions do not list
			// ValidationException in the model, so the SDK has no typed
			// error for it there.
			wantCode(t, tt.name, tt.call(), "ValidationException")
		})
	}
}
