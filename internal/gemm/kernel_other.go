//go:build !amd64 || purego

package gemm

const asmBuilt = false

const hasAsm = false

func kernelAsm(k int, a, b, c *float64, ldc int, alpha float64) {
	panic("gemm: no assembly kernel in this build")
}
