// Prints the first N values of Go's math/rand source for a seed, one per line:
// go run main.go <seed> <count>. The conformance suite draws library-go's
// expression values from this stream, so its expected strings can be checked
// exactly.
package main

import (
	"bufio"
	"math/rand"
	"os"
	"strconv"
)

func main() {
	seed, err := strconv.ParseInt(os.Args[1], 10, 64)
	if err != nil {
		panic(err)
	}
	count, err := strconv.Atoi(os.Args[2])
	if err != nil {
		panic(err)
	}
	source := rand.NewSource(seed)
	out := bufio.NewWriter(os.Stdout)
	for i := 0; i < count; i++ {
		out.WriteString(strconv.FormatInt(source.Int63(), 10))
		out.WriteByte('\n')
	}
	if err := out.Flush(); err != nil {
		panic(err)
	}
}
