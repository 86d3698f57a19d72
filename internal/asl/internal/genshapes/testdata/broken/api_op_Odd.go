package broken

type OddOutput struct {
	Feed chan int
}
