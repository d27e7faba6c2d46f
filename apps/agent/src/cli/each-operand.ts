/**
 * Runs `act` on each operand in turn, as Docker's `rm` does: a failure is printed as
 * `cove: …` and the rest go on. Returns the exit code: 1 if any failed.
 */
export async function forEachOperand(
  operands: readonly string[],
  act: (operand: string) => Promise<void>,
): Promise<number> {
  let failed = 0;
  for (const operand of operands) {
    try {
      await act(operand);
    } catch (error) {
      console.error(`cove: ${(error as Error).message}`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
