/**
 * The physical constants of the PRK PIC kernel (PIC.md 1 and 3). All are 1 or 0.5, so the
 * reference's multiplications by them are exact and its results do not depend on them being
 * written out.
 */

/** Time step, DT. */
export const DT = 1;

/** Inverse particle mass, MASS_INV. */
export const MASS_INV = 1;

/** Magnitude of a grid charge, Q. */
export const GRID_CHARGE = 1;

/** Position of a new particle inside its cell, along x and along y. */
export const CELL_OFFSET = 0.5;
