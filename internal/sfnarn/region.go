package sfnarn

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

//go:generate go run ./internal/genpartitions -o partitions_gen.go

// Partition is an AWS partition as the AWS SDK for Go v2 describes it in its partitions.json.
type Partition struct {
	// ID is the partition's name, the second field of its ARNs: aws, aws-cn, aws-eusc, aws-us-gov, ...
	ID string
	// RegionRegex matches the names of the partition's regions, including those the SDK does not list yet.
	RegionRegex string
	// DNSSuffix is the domain of the partition's service endpoints (amazonaws.com, amazonaws.eu, ...).
	DNSSuffix string
	// Regions are the regions the SDK lists for the partition, sorted. Besides real regions they hold the SDK's
	// pseudo-region for global endpoints (aws-global, aws-cn-global, ...), which RegionRegex does not match.
	Regions []string
}

// regionRegexps holds the compiled RegionRegex of each partition, in the order of partitions. genpartitions
// refuses a pattern Go cannot compile, so MustCompile cannot panic on the generated table.
var regionRegexps = func() []*regexp.Regexp {
	res := make([]*regexp.Regexp, len(partitions))
	for i, p := range partitions {
		res[i] = regexp.MustCompile(p.RegionRegex)
	}
	return res
}()

// Partitions returns the partitions the AWS SDK in go.mod knows, in the SDK's order.
func Partitions() []Partition {
	res := make([]Partition, len(partitions))
	for i, p := range partitions {
		p.Regions = slices.Clone(p.Regions)
		res[i] = p
	}
	return res
}

// KnownPartition reports whether id is the ID of a partition the AWS SDK in go.mod knows.
func KnownPartition(id string) bool {
	return slices.ContainsFunc(partitions, func(p Partition) bool { return p.ID == id })
}

// PartitionOf returns the partition of region, following the SDK's rules: the partition that lists the region,
// else the first whose region pattern matches it. ok is false when CheckRegion refuses the region; partition is
// then aws, where the SDK sends a region it cannot place (a local endpoint may want that; a check does not).
func PartitionOf(region string) (partition string, ok bool) {
	i := partitionIndex(region)
	if i < 0 {
		return defaultPartition, false
	}
	return partitions[i].ID, true
}

// defaultPartition is where the SDK puts a region no partition claims.
const defaultPartition = "aws"

// partitionIndex is PartitionOf as an index into partitions, -1 for a region CheckRegion refuses.
func partitionIndex(region string) int {
	if !lowerCaseName(region) {
		return -1
	}
	for i, p := range partitions {
		if slices.Contains(p.Regions, region) {
			if regionRegexps[i].MatchString(region) {
				return i
			}
			return -1 // a pseudo-region such as aws-global
		}
	}
	for i, re := range regionRegexps {
		if re.MatchString(region) {
			return i
		}
	}
	return -1
}

// errNotRegion starts every error of CheckRegion.
var errNotRegion = errors.New("not an AWS region name such as eu-west-1")

// CheckRegion returns nil when region is the name of an AWS region, and otherwise an error that says why not
// (without repeating region, which the caller names as its user knows it: a flag, a variable, a field).
//
// A region is a name that the region pattern of one of the SDK's partitions matches, as eusc-de-east-1 (partition
// aws-eusc) or us-gov-west-1 (aws-us-gov). Unlike the SDK, which sends a region no pattern matches to the aws
// partition, CheckRegion refuses it: such a name is far more often a typo than a region newer than every pattern
// of the SDK in go.mod (and that case is fixed by updating the SDK). It also refuses the SDK's pseudo-regions for
// global endpoints (aws-global), where Step Functions does not run, and names that are not lower case.
func CheckRegion(region string) error {
	switch {
	case region == "":
		return fmt.Errorf("%w: empty", errNotRegion)
	case len(region) > maxRegionLen:
		return fmt.Errorf("%w: %d bytes long", errNotRegion, len(region))
	case !lowerCaseName(region):
		return fmt.Errorf("%w: region names are lower-case letters, digits and '-'", errNotRegion)
	}
	for i, p := range partitions {
		if slices.Contains(p.Regions, region) && !regionRegexps[i].MatchString(region) {
			return fmt.Errorf("%w: the AWS SDK's pseudo-region for the global endpoints of partition %s", errNotRegion, p.ID)
		}
	}
	if partitionIndex(region) < 0 {
		return fmt.Errorf("%w: no partition known to aws-sdk-go-v2 %s (%s) has a region of that form; "+
			"a region newer than that SDK needs a newer github.com/aws/aws-sdk-go-v2", errNotRegion, sdkVersion, partitionIDs())
	}
	return nil
}

// maxRegionLen bounds a region name; the longest today is 14 bytes.
const maxRegionLen = 64

// lowerCaseName reports whether s is made of lower-case ASCII letters, digits and '-' only, and is not empty.
func lowerCaseName(s string) bool {
	if s == "" || len(s) > maxRegionLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// partitionIDs returns the known partition IDs as "aws, aws-cn, ...".
func partitionIDs() string {
	ids := make([]string, len(partitions))
	for i, p := range partitions {
		ids[i] = p.ID
	}
	return strings.Join(ids, ", ")
}
