// Package awsjson answers and decodes requests of the AWS JSON protocol
// (awsJson1_0 and awsJson1_1) for the endpoints this module embeds: Step
// Functions (sfnlocal) and CloudWatch Logs (internal/cwlogs).
//
// [Decode] reads a request body into an operation's input struct, refusing
// what is not one JSON object with a [*DecodeError] whose message names the
// member and the JSON kind it wants, never a Go type. A [Protocol] holds what
// differs between services on the wire (content type, the namespace of error
// codes); [Protocol.Write] answers a response and [Protocol.WriteError] an
// error in the protocol's shape. Each service keeps its own error types,
// codes, statuses and messages: this package only carries them.
package awsjson
