//go:build amd64 && !purego

#include "textflag.h"
#include "zero_amd64.h"

// ROWSUMS reduces the four accumulators of one row of C (each four partial
// sums of a dot product) to four sums in Y14 and adds alpha times them to
// C's row at DX.
#define ROWSUMS(y0, y1, y2, y3) \
	VHADDPD y1, y0, Y12 \
	VHADDPD y3, y2, Y13 \
	VPERM2F128 $0x21, Y13, Y12, Y14 \
	VBLENDPD $0xC, Y13, Y12, Y15 \
	VADDPD Y15, Y14, Y14 \
	VBROADCASTSD alpha+56(FP), Y15 \
	VFMADD213PD (DX), Y15, Y14 \
	VMOVUPD Y14, (DX)

// func dot256(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha float64)
//
// C[i][j] += alpha · Σ_p A[i][p]·B[j][p] for three rows of A and four of
// B, read in place; k is a positive multiple of 4. Y(4i+j) holds four
// partial sums of C[i][j].
TEXT ·dot256(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	SHLQ $3, CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $3, R8
	LEAQ (SI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R8
	SHLQ $3, R8
	LEAQ (DI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	ZERO12
	XORQ AX, AX

loop:
	VMOVUPD (SI)(AX*1), Y12
	VMOVUPD (R9)(AX*1), Y13
	VMOVUPD (R10)(AX*1), Y14
	VMOVUPD (DI)(AX*1), Y15
	VFMADD231PD Y15, Y12, Y0
	VFMADD231PD Y15, Y13, Y4
	VFMADD231PD Y15, Y14, Y8
	VMOVUPD (R11)(AX*1), Y15
	VFMADD231PD Y15, Y12, Y1
	VFMADD231PD Y15, Y13, Y5
	VFMADD231PD Y15, Y14, Y9
	VMOVUPD (R12)(AX*1), Y15
	VFMADD231PD Y15, Y12, Y2
	VFMADD231PD Y15, Y13, Y6
	VFMADD231PD Y15, Y14, Y10
	VMOVUPD (R13)(AX*1), Y15
	VFMADD231PD Y15, Y12, Y3
	VFMADD231PD Y15, Y13, Y7
	VFMADD231PD Y15, Y14, Y11
	ADDQ $32, AX
	CMPQ AX, CX
	JLT loop

	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $3, R8
	ROWSUMS(Y0, Y1, Y2, Y3)
	ADDQ R8, DX
	ROWSUMS(Y4, Y5, Y6, Y7)
	ADDQ R8, DX
	ROWSUMS(Y8, Y9, Y10, Y11)
	VZEROUPPER
	RET
