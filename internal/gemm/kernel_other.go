//go:build !amd64 || purego

package gemm

const hasAVX2, hasAVX512 = false, false

func kernel256(k int, a, b, c *float64, ldc int, alpha float64, ldb int, over bool) {
	panic("gemm: no AVX2 kernel in this build")
}
func kernel512(k int, a, b, c *float64, ldc int, alpha float64, ldb int) {
	panic("gemm: no AVX-512 kernel in this build")
}
func kernel512x6(k int, a, b, c *float64, ldc int, alpha float64, ldb int) {
	panic("gemm: no AVX-512 kernel in this build")
}
func kernel256s(k int, a, b *float32, c *float64, ldc int, alpha float64, over bool) {
	panic("gemm: no AVX2 kernel in this build")
}
func dot256(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha float64) {
	panic("gemm: no AVX2 kernel in this build")
}
