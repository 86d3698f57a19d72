package types

type Status string

const (
	StatusOn  Status = "ON"
	StatusOff Status = "OFF"
)

type Level int32
