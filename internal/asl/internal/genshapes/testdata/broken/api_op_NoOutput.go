package broken

type NoOutputInput struct{}
