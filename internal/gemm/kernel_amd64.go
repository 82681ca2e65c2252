//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F
)

// kernel256 is the 6×8 kernel in AVX2 and FMA (kernel_amd64.s): the tile
// in twelve YMM registers, a row of B in two, a broadcast element of A in
// one. B's rows are ldb apart: nr for a packed panel, B's own stride for
// one read in place. It adds alpha times the tile to C, or with over
// stores it over C.
//
//go:noescape
func kernel256(k int, a, b, c *float64, ldc int, alpha float64, ldb int, over bool)

// kernel512 is the 12×16 kernel in AVX-512 (kernel512_amd64.s): the tile
// in 24 ZMM registers.
//
//go:noescape
func kernel512(k int, a, b, c *float64, ldc int, alpha float64, ldb int)

// kernel512x6 is the 6×16 kernel in AVX-512 (kernel512x6_amd64.s), for A
// at most six rows high: the tile in 12 ZMM registers.
//
//go:noescape
func kernel512x6(k int, a, b, c *float64, ldc int, alpha float64, ldb int)

// kernel256s is the float32 6×16 kernel in AVX2 and FMA
// (kernel32_amd64.s): float32 panels (B packed, 16 values a row), the
// tile's sums widened to float64 as they are added to C (stored over it
// with over).
//
//go:noescape
func kernel256s(k int, a, b *float32, c *float64, ldc int, alpha float64, over bool)

// dot256 adds alpha·A·Bᵀ for three rows of A and four of B, read in place
// (dots_amd64.s), to a 3×4 tile of C: twelve dot products of length k, a
// positive multiple of 4.
//
//go:noescape
func dot256(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha float64)
