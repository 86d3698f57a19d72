package testkit

import (
	"errors"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// lowestFreePort is where FreePort starts looking below the ephemeral range,
// above the ports services commonly listen on.
const lowestFreePort = 20000

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago, for a
// child process that must be told its port.
//
// The port is picked below the kernel's ephemeral range (Linux's
// net.ipv4.ip_local_port_range, 32768-60999 by default), where the
// listeners that tests open on port 0 never land. A child that takes a
// second to start (moto_server, PostgreSQL) could otherwise find its port
// taken by another test's server in the meantime, and its readiness probe
// would reach that server. Where the range cannot be read or leaves no room,
// or no port tried below it is free, the kernel picks the port.
func FreePort() (int, error) {
	if low, ok := ephemeralLow(); ok && low > lowestFreePort {
		for range 50 {
			port := lowestFreePort + rand.IntN(low-lowestFreePort)
			if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
				_ = l.Close()
				return port, nil
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("listener without a TCP address")
	}
	return addr.Port, nil
}

// ephemeralLow returns the first port of the kernel's ephemeral range, and
// false where it cannot be read (not Linux).
func ephemeralLow() (int, bool) {
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, false
	}
	fields := strings.Fields(string(data))
	if len(fields) != 2 {
		return 0, false
	}
	low, err := strconv.Atoi(fields[0])
	return low, err == nil
}
