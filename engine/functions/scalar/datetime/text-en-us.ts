/**
 * The en-US texts Java's DateTimeFormatter prints and parses for text pattern letters (month,
 * day-of-week, am/pm, era, quarter) and for zone names (`z`, `zzzz`, `v`, `vvvv`).
 *
 * @js-joda/core leaves text fields to @js-joda/locale (46 MB of CLDR data); ksqlDB's servers run
 * with an English default locale, so this small table is all Sluice needs.
 */

/** Java's TextStyle, collapsed: standalone forms are the same words in English. */
export type TextWidth = 'SHORT' | 'FULL' | 'NARROW';

export type TextFieldName = 'MONTH_OF_YEAR' | 'DAY_OF_WEEK' | 'AMPM_OF_DAY' | 'ERA' | 'QUARTER_OF_YEAR';

const MONTHS_FULL = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
/** Day-of-week texts, index 0 = Monday (ISO value 1). */
const DAYS_FULL = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** value -> text, per field and width. Values are the js-joda/Java field values. */
const TEXTS: Record<TextFieldName, Record<TextWidth, ReadonlyMap<number, string>>> = {
  MONTH_OF_YEAR: {
    FULL: indexed(MONTHS_FULL, 1),
    SHORT: indexed(MONTHS_FULL.map((m) => m.slice(0, 3)), 1),
    NARROW: indexed(MONTHS_FULL.map((m) => m.slice(0, 1)), 1),
  },
  DAY_OF_WEEK: {
    FULL: indexed(DAYS_FULL, 1),
    SHORT: indexed(DAYS_FULL.map((d) => d.slice(0, 3)), 1),
    NARROW: indexed(DAYS_FULL.map((d) => d.slice(0, 1)), 1),
  },
  AMPM_OF_DAY: {
    FULL: indexed(['AM', 'PM'], 0),
    SHORT: indexed(['AM', 'PM'], 0),
    NARROW: indexed(['a', 'p'], 0),
  },
  ERA: {
    FULL: indexed(['Before Christ', 'Anno Domini'], 0),
    SHORT: indexed(['BC', 'AD'], 0),
    NARROW: indexed(['B', 'A'], 0),
  },
  QUARTER_OF_YEAR: {
    FULL: indexed(['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'], 1),
    SHORT: indexed(['Q1', 'Q2', 'Q3', 'Q4'], 1),
    NARROW: indexed(['1', '2', '3', '4'], 1),
  },
};

function indexed(texts: readonly string[], firstValue: number): ReadonlyMap<number, string> {
  return new Map(texts.map((text, i) => [i + firstValue, text]));
}

export function fieldText(field: TextFieldName, width: TextWidth, value: number): string | undefined {
  return TEXTS[field][width].get(value);
}

/**
 * The texts a strict parse accepts for one width, longest first (as Java tries them). Texts that
 * stand for more than one value (narrow month "J") are left out: Java cannot parse them either.
 */
export function parseTexts(field: TextFieldName, width: TextWidth): ReadonlyArray<readonly [string, number]> {
  const byText = new Map<string, number | null>();
  for (const [value, text] of TEXTS[field][width]) {
    byText.set(text, byText.has(text) ? null : value);
  }
  const entries: Array<readonly [string, number]> = [];
  for (const [text, value] of byText) if (value !== null) entries.push([text, value]);
  return entries.sort((a, b) => b[0].length - a[0].length);
}

// ---- zone names ----

/** Names of one zone, as Java (en-US) prints them: standard, daylight, generic. */
export interface ZoneNames {
  readonly shortStandard: string;
  readonly shortDaylight: string;
  readonly shortGeneric: string;
  readonly longStandard: string;
  readonly longDaylight: string;
  readonly longGeneric: string;
}

/**
 * [zone ids (the first is the one a parsed name resolves to), short std, short dst, short generic,
 * long std, long dst, long generic]. Where several zones share a name (CST, IST), the row listed
 * first wins when parsing, as the en-US preferred zone does in Java.
 */
const ZONE_NAME_ROWS: ReadonlyArray<readonly [readonly string[], string, string, string, string, string, string]> = [
  [['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Universal', 'Zulu', 'Etc/Universal', 'Etc/Zulu'],
    'UTC', 'UTC', 'UTC', 'Coordinated Universal Time', 'Coordinated Universal Time', 'Coordinated Universal Time'],
  [['GMT', 'Etc/GMT', 'GMT0', 'Etc/GMT0', 'GMT+0', 'GMT-0', 'Etc/GMT+0', 'Etc/GMT-0', 'Greenwich', 'Etc/Greenwich',
    'Africa/Abidjan', 'Africa/Accra', 'Atlantic/Reykjavik', 'Iceland'],
    'GMT', 'GMT', 'GMT', 'Greenwich Mean Time', 'Greenwich Mean Time', 'Greenwich Mean Time'],
  [['America/Los_Angeles', 'US/Pacific', 'PST8PDT', 'America/Vancouver', 'America/Tijuana', 'Canada/Pacific',
    'America/Ensenada', 'Mexico/BajaNorte', 'America/Santa_Isabel'],
    'PST', 'PDT', 'PT', 'Pacific Standard Time', 'Pacific Daylight Time', 'Pacific Time'],
  [['America/Denver', 'US/Mountain', 'MST7MDT', 'America/Edmonton', 'America/Boise', 'Canada/Mountain', 'Navajo',
    'America/Shiprock', 'America/Phoenix', 'US/Arizona', 'MST', 'America/Yellowknife', 'America/Ciudad_Juarez'],
    'MST', 'MDT', 'MT', 'Mountain Standard Time', 'Mountain Daylight Time', 'Mountain Time'],
  [['America/Chicago', 'US/Central', 'CST6CDT', 'America/Winnipeg', 'Canada/Central', 'America/Mexico_City',
    'Mexico/General', 'America/Indiana/Knox', 'America/Menominee', 'America/Regina', 'Canada/Saskatchewan',
    'America/Guatemala', 'America/Costa_Rica', 'America/El_Salvador', 'America/Tegucigalpa', 'America/Managua',
    'America/Belize', 'America/Monterrey', 'America/Merida', 'US/Indiana-Starke'],
    'CST', 'CDT', 'CT', 'Central Standard Time', 'Central Daylight Time', 'Central Time'],
  [['America/New_York', 'US/Eastern', 'EST5EDT', 'America/Toronto', 'America/Detroit', 'America/Montreal',
    'Canada/Eastern', 'America/Indiana/Indianapolis', 'America/Indianapolis', 'America/Kentucky/Louisville',
    'America/Louisville', 'US/Michigan', 'US/East-Indiana', 'America/Nassau', 'America/Panama', 'America/Jamaica',
    'Jamaica', 'America/Cancun', 'EST', 'America/Iqaluit', 'America/Nipigon', 'America/Thunder_Bay'],
    'EST', 'EDT', 'ET', 'Eastern Standard Time', 'Eastern Daylight Time', 'Eastern Time'],
  [['America/Anchorage', 'US/Alaska', 'America/Juneau', 'America/Nome', 'America/Sitka', 'America/Yakutat'],
    'AKST', 'AKDT', 'AKT', 'Alaska Standard Time', 'Alaska Daylight Time', 'Alaska Time'],
  [['Pacific/Honolulu', 'US/Hawaii', 'HST', 'America/Adak', 'US/Aleutian', 'America/Atka', 'Pacific/Johnston'],
    'HST', 'HDT', 'HT', 'Hawaii-Aleutian Standard Time', 'Hawaii-Aleutian Daylight Time', 'Hawaii-Aleutian Time'],
  [['America/Halifax', 'Canada/Atlantic', 'America/Puerto_Rico', 'Atlantic/Bermuda', 'America/Glace_Bay',
    'America/Moncton', 'America/Goose_Bay', 'America/Santo_Domingo', 'America/Barbados', 'America/Martinique'],
    'AST', 'ADT', 'AT', 'Atlantic Standard Time', 'Atlantic Daylight Time', 'Atlantic Time'],
  [['America/St_Johns', 'Canada/Newfoundland'],
    'NST', 'NDT', 'NT', 'Newfoundland Standard Time', 'Newfoundland Daylight Time', 'Newfoundland Time'],
  [['Europe/London', 'GB', 'GB-Eire', 'Europe/Belfast', 'Europe/Guernsey', 'Europe/Isle_of_Man', 'Europe/Jersey'],
    'GMT', 'BST', 'BT', 'Greenwich Mean Time', 'British Summer Time', 'British Time'],
  [['Europe/Dublin', 'Eire'],
    'GMT', 'IST', 'IT', 'Greenwich Mean Time', 'Irish Standard Time', 'Irish Time'],
  [['Europe/Lisbon', 'Portugal', 'WET', 'Atlantic/Canary', 'Atlantic/Madeira', 'Atlantic/Faroe', 'Atlantic/Faeroe'],
    'WET', 'WEST', 'WET', 'Western European Standard Time', 'Western European Summer Time', 'Western European Time'],
  [['Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Rome', 'Europe/Amsterdam', 'Europe/Brussels',
    'Europe/Vienna', 'Europe/Zurich', 'Europe/Stockholm', 'Europe/Oslo', 'Europe/Copenhagen', 'Europe/Warsaw',
    'Europe/Prague', 'Europe/Budapest', 'Europe/Belgrade', 'Europe/Luxembourg', 'Europe/Monaco', 'Europe/Malta',
    'Europe/Andorra', 'Europe/Tirane', 'Europe/Bratislava', 'Europe/Ljubljana', 'Europe/Zagreb', 'Europe/Sarajevo',
    'Europe/Skopje', 'Europe/Podgorica', 'Europe/Vaduz', 'Europe/San_Marino', 'Europe/Vatican', 'Europe/Gibraltar',
    'Europe/Busingen', 'Arctic/Longyearbyen', 'Africa/Ceuta', 'Africa/Algiers', 'Africa/Tunis', 'Poland', 'CET', 'MET'],
    'CET', 'CEST', 'CET', 'Central European Standard Time', 'Central European Summer Time', 'Central European Time'],
  [['Europe/Athens', 'Europe/Helsinki', 'Europe/Kiev', 'Europe/Kyiv', 'Europe/Bucharest', 'Europe/Sofia',
    'Europe/Riga', 'Europe/Tallinn', 'Europe/Vilnius', 'Europe/Chisinau', 'Europe/Mariehamn', 'Africa/Cairo',
    'Egypt', 'Africa/Tripoli', 'Libya', 'Asia/Beirut', 'Asia/Nicosia', 'Europe/Nicosia', 'EET'],
    'EET', 'EEST', 'EET', 'Eastern European Standard Time', 'Eastern European Summer Time', 'Eastern European Time'],
  [['Europe/Moscow', 'W-SU', 'Europe/Simferopol', 'Europe/Kirov', 'Europe/Volgograd'],
    'MSK', 'MSD', 'MT', 'Moscow Standard Time', 'Moscow Summer Time', 'Moscow Time'],
  [['Europe/Istanbul', 'Turkey', 'Asia/Istanbul'],
    'TRT', 'TRST', 'TRT', 'Turkey Time', 'Turkey Summer Time', 'Turkey Time'],
  [['Asia/Tokyo', 'Japan'],
    'JST', 'JDT', 'JT', 'Japan Standard Time', 'Japan Daylight Time', 'Japan Time'],
  [['Asia/Seoul', 'ROK'],
    'KST', 'KDT', 'KT', 'Korean Standard Time', 'Korean Daylight Time', 'Korean Time'],
  [['Asia/Shanghai', 'PRC', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'Asia/Macau', 'Asia/Macao',
    'Asia/Taipei', 'ROC'],
    'CST', 'CDT', 'CT', 'China Standard Time', 'China Daylight Time', 'China Time'],
  [['Asia/Hong_Kong', 'Hongkong'],
    'HKT', 'HKST', 'HKT', 'Hong Kong Standard Time', 'Hong Kong Summer Time', 'Hong Kong Time'],
  [['Asia/Singapore', 'Singapore'],
    'SGT', 'SGT', 'SGT', 'Singapore Standard Time', 'Singapore Standard Time', 'Singapore Standard Time'],
  [['Asia/Kuala_Lumpur', 'Asia/Kuching'],
    'MYT', 'MYT', 'MYT', 'Malaysia Time', 'Malaysia Time', 'Malaysia Time'],
  [['Asia/Kolkata', 'Asia/Calcutta'],
    'IST', 'IDT', 'IT', 'India Standard Time', 'India Daylight Time', 'India Time'],
  [['Asia/Jerusalem', 'Israel', 'Asia/Tel_Aviv'],
    'IST', 'IDT', 'IT', 'Israel Standard Time', 'Israel Daylight Time', 'Israel Time'],
  [['Asia/Dubai', 'Asia/Muscat'],
    'GST', 'GDT', 'GT', 'Gulf Standard Time', 'Gulf Daylight Time', 'Gulf Time'],
  [['Asia/Karachi'],
    'PKT', 'PKST', 'PKT', 'Pakistan Standard Time', 'Pakistan Summer Time', 'Pakistan Time'],
  [['Asia/Tehran', 'Iran'],
    'IRST', 'IRDT', 'IRT', 'Iran Standard Time', 'Iran Daylight Time', 'Iran Time'],
  [['Asia/Kathmandu', 'Asia/Katmandu'],
    'NPT', 'NPT', 'NPT', 'Nepal Time', 'Nepal Time', 'Nepal Time'],
  [['Asia/Bangkok', 'Asia/Ho_Chi_Minh', 'Asia/Saigon', 'Asia/Phnom_Penh', 'Asia/Vientiane'],
    'ICT', 'ICT', 'ICT', 'Indochina Time', 'Indochina Time', 'Indochina Time'],
  [['Asia/Jakarta', 'Asia/Pontianak'],
    'WIB', 'WIB', 'WIB', 'Western Indonesia Time', 'Western Indonesia Time', 'Western Indonesia Time'],
  [['Australia/Sydney', 'Australia/Melbourne', 'Australia/Hobart', 'Australia/Canberra', 'Australia/ACT',
    'Australia/NSW', 'Australia/Victoria', 'Australia/Tasmania', 'Australia/Brisbane', 'Australia/Queensland',
    'Australia/Lindeman', 'Australia/Currie'],
    'AEST', 'AEDT', 'AET', 'Australian Eastern Standard Time', 'Australian Eastern Daylight Time', 'Eastern Australia Time'],
  [['Australia/Adelaide', 'Australia/South', 'Australia/Darwin', 'Australia/North', 'Australia/Broken_Hill',
    'Australia/Yancowinna'],
    'ACST', 'ACDT', 'ACT', 'Australian Central Standard Time', 'Australian Central Daylight Time', 'Central Australia Time'],
  [['Australia/Perth', 'Australia/West'],
    'AWST', 'AWDT', 'AWT', 'Australian Western Standard Time', 'Australian Western Daylight Time', 'Western Australia Time'],
  [['Pacific/Auckland', 'NZ', 'Antarctica/McMurdo', 'Antarctica/South_Pole'],
    'NZST', 'NZDT', 'NZT', 'New Zealand Standard Time', 'New Zealand Daylight Time', 'New Zealand Time'],
  [['America/Sao_Paulo', 'Brazil/East'],
    'BRT', 'BRST', 'BRT', 'Brasilia Standard Time', 'Brasilia Summer Time', 'Brasilia Time'],
  [['America/Argentina/Buenos_Aires', 'America/Buenos_Aires'],
    'ART', 'ARST', 'ART', 'Argentina Standard Time', 'Argentina Summer Time', 'Argentina Time'],
  [['America/Bogota'],
    'COT', 'COST', 'COT', 'Colombia Standard Time', 'Colombia Summer Time', 'Colombia Time'],
  [['America/Lima'],
    'PET', 'PEST', 'PET', 'Peru Standard Time', 'Peru Summer Time', 'Peru Time'],
  [['America/Santiago', 'Chile/Continental'],
    'CLT', 'CLST', 'CLT', 'Chile Standard Time', 'Chile Summer Time', 'Chile Time'],
  [['America/Caracas'],
    'VET', 'VET', 'VET', 'Venezuela Time', 'Venezuela Time', 'Venezuela Time'],
  [['Africa/Johannesburg', 'Africa/Maseru', 'Africa/Mbabane'],
    'SAST', 'SAST', 'SAST', 'South Africa Standard Time', 'South Africa Standard Time', 'South Africa Standard Time'],
  [['Africa/Lagos', 'Africa/Kinshasa', 'Africa/Luanda', 'Africa/Douala', 'Africa/Libreville'],
    'WAT', 'WAST', 'WAT', 'West Africa Standard Time', 'West Africa Summer Time', 'West Africa Time'],
  [['Africa/Nairobi', 'Africa/Addis_Ababa', 'Africa/Dar_es_Salaam', 'Africa/Kampala', 'Africa/Mogadishu'],
    'EAT', 'EAT', 'EAT', 'East Africa Time', 'East Africa Time', 'East Africa Time'],
];

const NAMES_BY_ZONE = new Map<string, ZoneNames>();
/** Every name (short and long), mapped to the zone a parse resolves it to; first row wins. */
const ZONE_BY_NAME = new Map<string, string>();

for (const [ids, shortStandard, shortDaylight, shortGeneric, longStandard, longDaylight, longGeneric] of ZONE_NAME_ROWS) {
  const names: ZoneNames = { shortStandard, shortDaylight, shortGeneric, longStandard, longDaylight, longGeneric };
  for (const id of ids) if (!NAMES_BY_ZONE.has(id)) NAMES_BY_ZONE.set(id, names);
  for (const name of [shortStandard, shortDaylight, shortGeneric, longStandard, longDaylight, longGeneric]) {
    if (!ZONE_BY_NAME.has(name)) ZONE_BY_NAME.set(name, ids[0]!);
  }
}

export function zoneNames(zoneId: string): ZoneNames | undefined {
  return NAMES_BY_ZONE.get(zoneId);
}

/** Every zone name in the table with the zone it parses to (for the zone-text parser's lookup). */
export function zoneNameEntries(): ReadonlyMap<string, string> {
  return ZONE_BY_NAME;
}

/**
 * Whether a short name denotes daylight time, and which zone it belongs to: SimpleDateFormat
 * (PARSE_DATE) applies a daylight name's fixed +1h whatever the date.
 */
export function zoneForName(name: string, caseInsensitive: boolean): { zoneId: string; daylight: boolean } | undefined {
  for (const [ids, shortStandard, shortDaylight, , longStandard, longDaylight] of ZONE_NAME_ROWS) {
    const same = (a: string): boolean => (caseInsensitive ? a.toLowerCase() === name.toLowerCase() : a === name);
    if (same(shortStandard) || same(longStandard)) return { zoneId: ids[0]!, daylight: false };
    if (same(shortDaylight) || same(longDaylight)) return { zoneId: ids[0]!, daylight: true };
  }
  return undefined;
}
