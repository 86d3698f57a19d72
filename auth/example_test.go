package auth_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/polysync/stepfunctions/auth"
)

// A source describes itself without secrets, so it can be logged.
func ExampleStatic() {
	src := auth.Static("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")
	fmt.Println(src)
	fmt.Printf("%#v\n", src)
	// Output:
	// static(AKIA****MPLE)
	// auth.Source("static(AKIA****MPLE)")
}

// Web identity federation with a token file that is re-read at every
// credential refresh.
func ExampleWebIdentity() {
	src := auth.WebIdentity(
		"arn:aws:iam::123456789012:role/polysync-stepfunctions",
		auth.TokenFile("/var/run/secrets/azure/tokens/azure-identity-token"),
		auth.WithSessionName("polysync"),
	)
	fmt.Println(src)
	// Output:
	// web-identity(role=arn:aws:iam::123456789012:role/polysync-stepfunctions, token=file:/var/run/secrets/azure/tokens/azure-identity-token)
}

// A host that mints Entra ID tokens itself (for example with azidentity)
// supplies them through a TokenFunc.
func ExampleTokenFunc() {
	entraToken := auth.TokenFunc(func(ctx context.Context) (string, error) {
		// return cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"api://polysync-aws/.default"}}) ...
		return "eyJ...", nil
	})
	src := auth.WebIdentity("arn:aws:iam::123456789012:role/polysync-stepfunctions", entraToken)
	fmt.Println(src)
	// Output:
	// web-identity(role=arn:aws:iam::123456789012:role/polysync-stepfunctions, token=func)
}

// A role in another account, reached from the federated role with an
// external ID. The external ID is never printed.
func ExampleAssumeRole() {
	federated := auth.WebIdentity(
		"arn:aws:iam::123456789012:role/polysync-stepfunctions",
		auth.TokenFile("/var/run/secrets/tokens/entra"),
	)
	src := auth.AssumeRole("arn:aws:iam::210987654321:role/polysync-target", federated,
		auth.WithExternalID("polysync-7f3a9c"))
	fmt.Println(src)
	// Output:
	// assume-role(role=arn:aws:iam::210987654321:role/polysync-target, external-id=****, base=web-identity(role=arn:aws:iam::123456789012:role/polysync-stepfunctions, token=file:/var/run/secrets/tokens/entra))
}

// Credentials validates the configuration before any network call and names
// the bad input.
func ExampleSource_Credentials() {
	src := auth.WebIdentity("arn:aws:iam::123456789012:user/alice", auth.TokenFile("/tmp/token"))
	_, err := src.Credentials(context.Background(), aws.Config{Region: "eu-west-1"})
	fmt.Println(strings.SplitN(err.Error(), ": ", 3)[2])
	// Output:
	// role ARN "arn:aws:iam::123456789012:user/alice" is not an IAM role ARN: resource type is "user", not role (want arn:<partition>:iam::<12-digit account>:role/<name>)
}
