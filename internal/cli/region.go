package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// The region rule, which README.md and every command's --region help state:
// a command on an ARN calls the region the ARN names (a resource lives
// there), and --region, when given too, must name the same region; the other
// commands use --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the
// region of the shared config profile, as the AWS CLI does.

// regionHelp is the help of --region for a command that takes an ARN, and
// regionHelpNoARN for one that does not.
const (
	regionHelp      = "AWS region; the ARN's region is used, and --region must match it when given"
	regionHelpNoARN = "AWS region (default $AWS_REGION, then $AWS_DEFAULT_REGION, then the region of the shared config " +
		"profile, $AWS_PROFILE or default)"
)

// resolveRegion returns the region of a command on resourceARN ("" for
// none), and where it came from, following the region rule.
func (a *app) resolveRegion(ctx context.Context, resourceARN string) (setting, error) {
	flag := setting{a.conn.region, "--region"}
	if resourceARN != "" {
		fromARN := sfnarn.RegionOf(resourceARN)
		if flag.value != "" && flag.value != fromARN {
			return setting{}, usageError("--region %s differs from the region of %s, %s: a resource is called in the "+
				"region its ARN names; drop --region", flag.value, resourceARN, fromARN)
		}
		return setting{fromARN, "the ARN's region"}, nil
	}
	if s := firstSet(flag, setting{a.getenv("AWS_REGION"), "AWS_REGION"},
		setting{a.getenv("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION"}); s.value != "" {
		return s, nil
	}
	return a.profileRegion(ctx)
}

// profileRegion returns the region of the shared config profile: AWS_PROFILE,
// else AWS_DEFAULT_PROFILE, else "default", read from AWS_CONFIG_FILE (else
// ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE (else ~/.aws/credentials).
// A profile that was named but does not exist is an error; a missing default
// profile is not.
func (a *app) profileRegion(ctx context.Context) (setting, error) {
	profile := cmp.Or(a.getenv("AWS_PROFILE"), a.getenv("AWS_DEFAULT_PROFILE"))
	named := profile != ""
	if !named {
		profile = "default"
	}
	home := a.getenv("HOME")
	configFile := cmp.Or(a.getenv("AWS_CONFIG_FILE"), filepath.Join(home, ".aws", "config"))
	credsFile := cmp.Or(a.getenv("AWS_SHARED_CREDENTIALS_FILE"), filepath.Join(home, ".aws", "credentials"))
	if home == "" && a.getenv("AWS_CONFIG_FILE") == "" && !named {
		return setting{}, nil
	}
	shared, err := config.LoadSharedConfigProfile(ctx, profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = []string{configFile}, []string{credsFile}
	})
	var missing config.SharedConfigProfileNotExistError
	switch {
	case errors.As(err, &missing) && !named:
		return setting{}, nil
	case err != nil:
		return setting{}, fmt.Errorf("read the shared config for profile %q: %w", profile, err)
	}
	return setting{shared.Region, fmt.Sprintf("profile %s in %s", profile, configFile)}, nil
}

// noRegionError is the usage error of a command that found no region.
func noRegionError() error {
	return usageError("no region: pass --region, set AWS_REGION, or set a region in the shared config profile " +
		"(aws configure set region eu-west-1)")
}
