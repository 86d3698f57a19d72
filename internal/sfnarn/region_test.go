package sfnarn

import (
	"strings"
	"testing"
)

func TestPartitionOf(t *testing.T) {
	tests := []struct {
		region, want string
	}{
		{"eu-west-1", "aws"},
		{"us-east-1", "aws"},
		{"mx-central-1", "aws"},
		{"eu-south-7", "aws"}, // not listed: the pattern decides
		{"cn-north-1", "aws-cn"},
		{"eusc-de-east-1", "aws-eusc"},
		{"eusc-de-west-2", "aws-eusc"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-iso-east-1", "aws-iso"},
		{"us-isob-east-1", "aws-iso-b"},
		{"eu-isoe-west-1", "aws-iso-e"},
		{"us-isof-south-1", "aws-iso-f"},
	}
	for _, tt := range tests {
		if got, ok := PartitionOf(tt.region); !ok || got != tt.want {
			t.Errorf("PartitionOf(%q) = %q, %v; want %q", tt.region, got, ok, tt.want)
		}
		if err := CheckRegion(tt.region); err != nil {
			t.Errorf("CheckRegion(%q) = %v, want nil", tt.region, err)
		}
	}
}

func TestCheckRegionRefuses(t *testing.T) {
	tests := []struct {
		region, want string
	}{
		{"", "empty"},
		{"Europe", "lower-case"},
		{"eu-West-1", "lower-case"},
		{"eu_west_1", "lower-case"},
		{"europe", "no partition known to aws-sdk-go-v2 " + sdkVersion},
		{"eu", "no partition"},
		{"eu-west1", "no partition"},
		{"xx-west-1", "no partition"},
		{"eusc-fr-east-1", "no partition"}, // aws-eusc's pattern names its countries
		{"aws-global", "pseudo-region for the global endpoints of partition aws"},
		{"aws-us-gov-global", "partition aws-us-gov"},
		{strings.Repeat("a", 65), "65 bytes long"},
	}
	for _, tt := range tests {
		err := CheckRegion(tt.region)
		if err == nil || !strings.HasPrefix(err.Error(), "not an AWS region name such as eu-west-1") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckRegion(%q) = %v, want an error containing %q", tt.region, err, tt.want)
		}
		if p, ok := PartitionOf(tt.region); ok || p != "aws" {
			t.Errorf("PartitionOf(%q) = %q, %v; want aws, false", tt.region, p, ok)
		}
	}
}

func TestPartitions(t *testing.T) {
	ps := Partitions()
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
		if p.DNSSuffix == "" || p.RegionRegex == "" || len(p.Regions) == 0 {
			t.Errorf("partition %+v lacks data", p)
		}
	}
	for _, want := range []string{"aws", "aws-cn", "aws-eusc", "aws-us-gov", "aws-iso"} {
		if !KnownPartition(want) {
			t.Errorf("KnownPartition(%q) = false; partitions %v", want, ids)
		}
	}
	if KnownPartition("aws-xx") || KnownPartition("") {
		t.Error("KnownPartition accepts an unknown partition")
	}
	ps[0].Regions[0] = "changed"
	if Partitions()[0].Regions[0] == "changed" {
		t.Error("Partitions() shares its slices with the table")
	}
}
