package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// The iam-policy command; the policies it prints are made in iampolicy.go.

// iamPolicyOptions are what 'iam-policy' needs. It calls nothing: no
// provider.
type iamPolicyOptions struct {
	io     ioStreams
	asJSON bool
	// permissions and trust print that one policy document, as JSON.
	permissions, trust bool

	stateMachines []string
	// logGroups are the log groups of Express state machines whose results
	// the provider reads from CloudWatch Logs.
	logGroups []string
	// tenant, subject and audience describe the Entra ID workload the trust
	// policy lets in; with no tenant or subject there is no trust policy.
	tenant, subject, audience string
}

// newCmdIAMPolicy returns the iam-policy command, which calls runIAMPolicy (or
// runF: see runWith).
func newCmdIAMPolicy(f *app, runF func(context.Context, *iamPolicyOptions) error) *cobra.Command {
	opts := &iamPolicyOptions{io: f.streams()}
	cmd := &cobra.Command{
		Use:   "iam-policy --state-machine ARN ... [--entra-tenant ID --subject OID] [--permissions | --trust | --json]",
		Short: "Print the least-privilege IAM policy (and the Entra ID trust policy) for Polysync",
		Long: `iam-policy prints the permissions policy Polysync's role needs for the given state machines: discover
(states:ListStateMachines on *), describe and start them (and their versions and aliases), and track and
cancel their executions. With --log-group (the log group an Express state machine's logging names), it also
grants logs:FilterLogEvents there, which reading Express results from the logs needs.

With --entra-tenant and --subject it also prints the role's trust policy for web identity federation from
Microsoft Entra ID: the IAM OIDC provider for https://login.microsoftonline.com/<tenant>/v2.0 may assume the
role for tokens whose aud is --audience and whose sub is --subject (the object ID of the managed identity or
service principal).

Without flags the output is for people: each policy under a heading. --permissions prints exactly the
permissions policy document and --trust exactly the trust policy document, as JSON that IAM takes
(aws iam put-role-policy --policy-document file://p.json, aws iam create-role
--assume-role-policy-document file://t.json); --json prints both in one object.`,
		Example: `  polysync-sfn iam-policy --permissions --state-machine arn:aws:states:eu-west-1:111122223333:stateMachine:orders > p.json`,
		Args:    exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return runWith(runF, runIAMPolicy)(cmd.Context(), opts)
		}),
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&opts.stateMachines, "state-machine", nil, "state machine ARN (repeatable)")
	fs.StringArrayVar(&opts.logGroups, "log-group", nil, "log group ARN of an Express state machine's logging, to read its results (repeatable)")
	fs.StringVar(&opts.tenant, "entra-tenant", "", "Microsoft Entra ID tenant (directory) ID")
	fs.StringVar(&opts.subject, "subject", "", "object ID of the workload's managed identity or service principal (the token's sub)")
	fs.StringVar(&opts.audience, "audience", "sts.amazonaws.com", "audience (aud) the workload requests its token for")
	fs.BoolVar(&opts.permissions, "permissions", false, "print only the permissions policy document, as JSON")
	fs.BoolVar(&opts.trust, "trust", false, "print only the trust policy document, as JSON (needs --entra-tenant and --subject)")
	addJSONFlag(cmd, &opts.asJSON)
	cmd.MarkFlagsMutuallyExclusive("permissions", "trust", "json")
	return cmd
}

// iamPolicyJSON is what 'iam-policy --json' prints. TrustPolicy is left out
// when no trust policy was asked for.
type iamPolicyJSON struct {
	PermissionsPolicy policyDocument  `json:"PermissionsPolicy"`
	TrustPolicy       *policyDocument `json:"TrustPolicy,omitempty"`
}

func runIAMPolicy(_ context.Context, opts *iamPolicyOptions) error {
	perms, err := permissionsPolicy(opts.stateMachines)
	if err != nil {
		return usageError("%v", err)
	}
	if len(opts.logGroups) > 0 {
		st, err := logsStatement(opts.logGroups)
		if err != nil {
			return usageError("%v", err)
		}
		perms.Statement = append(perms.Statement, st)
	}
	out := iamPolicyJSON{PermissionsPolicy: perms}
	if opts.trust && opts.tenant == "" && opts.subject == "" {
		return usageError("--trust needs --entra-tenant and --subject: the trust policy lets that workload in")
	}
	if opts.tenant != "" || opts.subject != "" {
		trust, err := opts.trustPolicy()
		if err != nil {
			return err
		}
		out.TrustPolicy = &trust
	}
	switch {
	case opts.asJSON:
		return writeJSON(opts.io.out, out)
	case opts.permissions:
		return writeJSON(opts.io.out, out.PermissionsPolicy)
	case opts.trust:
		return writeJSON(opts.io.out, out.TrustPolicy)
	}
	for _, doc := range []struct {
		name   string
		policy *policyDocument
	}{{"PermissionsPolicy", &out.PermissionsPolicy}, {"TrustPolicy", out.TrustPolicy}} {
		if doc.policy == nil {
			continue
		}
		text, err := marshalPolicy(*doc.policy)
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.io.out, "# %s\n%s\n", doc.name, text)
	}
	return nil
}

// trustPolicy returns the trust policy for the one role in the state
// machines' account.
func (opts *iamPolicyOptions) trustPolicy() (policyDocument, error) {
	if opts.tenant == "" {
		return policyDocument{}, usageError("--subject needs --entra-tenant")
	}
	ref, _ := parseStateMachineARN(opts.stateMachines[0])
	for _, m := range opts.stateMachines[1:] {
		other, _ := parseStateMachineARN(m)
		if other.Account != ref.Account || other.Partition != ref.Partition {
			return policyDocument{}, usageError("the state machines are in accounts %s and %s: the trust policy is for one role in one "+
				"account; run iam-policy once per account", ref.Partition+":"+ref.Account, other.Partition+":"+other.Account)
		}
	}
	trust, err := trustPolicy(ref.Account, ref.Partition, opts.tenant, opts.subject, opts.audience)
	if err != nil {
		return policyDocument{}, usageError("%v", err)
	}
	return trust, nil
}
