//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

const asmBuilt = true

var hasAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernelAsm is kernel in AVX2 and FMA (kernel_amd64.s): the 6×8 tile in
// twelve YMM registers, a row of B in two, a broadcast element of A in one.
//
//go:noescape
func kernelAsm(k int, a, b, c *float64, ldc int, alpha float64)
