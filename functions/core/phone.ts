// Contact phone numbers to E.164. The full ("max") metadata is used so a number is
// checked digit by digit, not only by length: dialling a number that cannot exist
// wastes an attempt and tells the operator less than refusing it here.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

export const NO_PHONE_REASON = 'contact has no phone number (HubSpot fields phone, mobilephone are empty)';

export function normalizePhone(raw: string | undefined, defaultCountry?: string): PhoneResult {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return { ok: false, reason: NO_PHONE_REASON };
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
  // "00" is the international prefix in most of the world; read it as "+" whatever the agent's country.
  const international = text.replace(/^00\s*/, '+');
  const hasCountryCode = international.startsWith('+');
  const country = defaultCountry?.trim().toUpperCase();
  if (!hasCountryCode) {
    if (!country) return { ok: false, reason: `phone number ${shown} has no country code and the agent has no defaultCountry` };
    if (!isSupportedCountry(country))
      return {
        ok: false,
        reason: `phone number ${shown} has no country code and the agent's defaultCountry "${country}" is not a supported country code`,
      };
  }
  const parsed = hasCountryCode
    ? parsePhoneNumberFromString(international)
    : parsePhoneNumberFromString(international, country as CountryCode);
  if (!parsed?.isValid()) {
    return {
      ok: false,
      reason: hasCountryCode
        ? `phone number ${shown} is not a valid phone number`
        : `phone number ${shown} is not a valid number for ${country}`,
    };
  }
  return { ok: true, e164: parsed.number };
}
