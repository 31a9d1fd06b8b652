const header =
  'name,phone,id_number,birth_date,gender,building_code,unit_no,grid_code,elderly_living_alone,disability,child,needs_assistance';

/** GB 11643 check character for a 17-digit ID body. */
function idCheckChar(body: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * (weights[i] ?? 0), 0);
  return '10X98765432'[sum % 11] ?? '0';
}

/** The ID number embeds the birth date; the import checks that the two agree. */
function birthDate(seq: number): string {
  return `198${seq % 10}-01-01`;
}

function idNumber(seq: number, valid: boolean): string {
  const body = `110101${birthDate(seq).replaceAll('-', '')}${String(100 + (seq % 900)).padStart(3, '0')}`;
  const check = idCheckChar(body);
  // A wrong check character is the kind of typo the import must reject with its line number.
  return body + (valid ? check : check === '0' ? '1' : '0');
}

/**
 * A resident CSV with `goodRows` valid rows and one invalid row (bad ID checksum) placed at the given
 * file line (line 1 is the header).
 */
export function residentCsv(
  gridCode: string,
  goodRows: number,
  badLine: number,
): { csv: string; phones: string[] } {
  const lines = [header];
  const phones: string[] = [];
  const salt = Date.now() % 10_000;
  for (let i = 0; i < goodRows; i++) {
    if (lines.length + 1 === badLine) {
      lines.push(
        `Bad Row,13900000000,${idNumber(salt, false)},${birthDate(salt)},male,,,${gridCode},false,false,false,false`,
      );
    }
    const phone = `139${String(salt).padStart(4, '0')}${String(i).padStart(4, '0')}`;
    phones.push(phone);
    lines.push(
      `Import Person ${i},${phone},${idNumber(salt + i + 1, true)},${birthDate(salt + i + 1)},female,,,${gridCode},${i % 2 === 0},false,false,false`,
    );
  }
  return { csv: `${lines.join('\r\n')}\r\n`, phones };
}

/**
 * `rows` valid residents spread over the given grids, for volume tests. Each gets its own birth
 * date (one day apart from 1950), so ID numbers, which embed the date, never collide with each
 * other; the region code (330106) is one the demo district never issues, so they never collide
 * with the demo's residents either.
 */
export function bulkResidentCsv(gridCodes: string[], rows: number, salt: number): string {
  const lines = [header];
  const start = Date.UTC(1950, 0, 1);
  for (let i = 0; i < rows; i++) {
    const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    const body = `330106${date.replaceAll('-', '')}${String(100 + (salt % 800)).padStart(3, '0')}`;
    const phone = `136${String(salt % 100).padStart(2, '0')}${String(i).padStart(6, '0')}`;
    const grid = gridCodes[i % gridCodes.length] ?? '';
    lines.push(
      `Volume Person ${i},${phone},${body}${idCheckChar(body)},${date},${i % 2 ? 'male' : 'female'},,,${grid},false,false,false,false`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
