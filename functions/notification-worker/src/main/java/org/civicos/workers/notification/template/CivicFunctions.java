package org.civicos.workers.notification.template;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicos.workers.notification.template.GoFunc.Param;

/** The five functions Civic OS adds to the template function map. */
final class CivicFunctions {
    private CivicFunctions() {
    }

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    /** {@code [lower,upper)} anywhere in the input; bounds optionally double-quoted. */
    private static final Pattern TSTZRANGE = Pattern.compile("\\[\"?([^\",]+)\"?,[\\t\\n\\f\\r ]*\"?([^\")]+)\"?\\)");
    /** Go layout {@code 2006-01-02 15:04:05-07}, fractional seconds allowed. */
    private static final Pattern PG_TIMESTAMP = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2}) (\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,](\\d+))?([+-])(\\d{2})");
    /** Go's {@code time.RFC3339}, fractional seconds allowed. */
    private static final Pattern RFC3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,](\\d+))?(?:(Z)|([+-])(\\d{2}):(\\d{2}))");
    private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");

    static Map<String, GoFunc> create(ZoneId zone) {
        List<Param> s = List.of(Param.STRING);
        return Map.of(
                "formatTimeSlot", GoFunc.of("formatTimeSlot", s, false, a -> formatTimeSlot((String) a.get(0), zone)),
                "formatDateTime", GoFunc.of("formatDateTime", s, false, a -> formatDateTime((String) a.get(0), zone)),
                "formatDate", GoFunc.of("formatDate", s, false, a -> formatDate((String) a.get(0))),
                "formatMoney", GoFunc.of("formatMoney", List.of(Param.ANY), false, a -> formatMoney(a.get(0))),
                "formatPhone", GoFunc.of("formatPhone", s, false, a -> formatPhone((String) a.get(0))));
    }

    static String formatTimeSlot(String s, ZoneId zone) {
        Matcher m = TSTZRANGE.matcher(s);
        if (!m.find()) {
            return s;
        }
        Instant start = parsePg(m.group(1));
        Instant end = parsePg(m.group(2));
        if (start == null || end == null) {
            return s;
        }
        ZonedDateTime a = start.atZone(zone);
        ZonedDateTime b = end.atZone(zone);
        if (a.toLocalDate().equals(b.toLocalDate())) {
            return dateTime(a) + " - " + time(b);
        }
        return dateTime(a) + " - " + dateTime(b);
    }

    static String formatDateTime(String s, ZoneId zone) {
        Matcher m = RFC3339.matcher(s);
        if (!m.matches()) {
            return s;
        }
        int off = 0;
        if (m.group(8) == null) {
            int h = Integer.parseInt(m.group(10));
            int mi = Integer.parseInt(m.group(11));
            // Go accepts offsets up to 24 hours and 60 minutes
            if (h > 24 || mi > 60) {
                return s;
            }
            off = (h * 3600 + mi * 60) * (m.group(9).equals("-") ? -1 : 1);
        }
        Instant t = instant(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7), off);
        return t == null ? s : dateTime(t.atZone(zone));
    }

    static String formatDate(String s) {
        Matcher m = DATE.matcher(s);
        if (!m.matches()) {
            return s;
        }
        try {
            LocalDate d = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            return MONTHS[d.getMonthValue() - 1] + " " + d.getDayOfMonth() + ", " + d.getYear();
        } catch (DateTimeException e) {
            return s;
        }
    }

    static String formatMoney(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double d) {
            return "$" + GoFmt.formatFloat(d, 'f', 2);
        }
        return GoFmt.sprint1(v);
    }

    static String formatPhone(String s) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        if (digits.length() != 10) {
            return s;
        }
        return "(" + digits.substring(0, 3) + ") " + digits.substring(3, 6) + "-" + digits.substring(6);
    }

    // ---------------------------------------------------------------- helpers

    private static Instant parsePg(String s) {
        Matcher m = PG_TIMESTAMP.matcher(s);
        if (!m.matches()) {
            return null;
        }
        int h = Integer.parseInt(m.group(9));
        if (h > 24) {
            return null;
        }
        return instant(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7),
                (m.group(8).equals("-") ? -1 : 1) * h * 3600);
    }

    private static Instant instant(String y, String mo, String d, String h, String mi, String sec, String frac,
            int offsetSeconds) {
        try {
            int hour = Integer.parseInt(h);
            int minute = Integer.parseInt(mi);
            int second = Integer.parseInt(sec);
            if (hour > 23 || minute > 59 || second > 59) {
                return null;
            }
            int nanos = 0;
            if (frac != null) {
                String f = (frac + "000000000").substring(0, 9);
                nanos = Integer.parseInt(f);
            }
            LocalDateTime ldt = LocalDateTime.of(Integer.parseInt(y), Integer.parseInt(mo), Integer.parseInt(d),
                    hour, minute, second, nanos);
            return ldt.toInstant(ZoneOffset.UTC).minusSeconds(offsetSeconds);
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }

    private static String zoneAbbrev(ZonedDateTime t) {
        String name = DateTimeFormatter.ofPattern("zzz", Locale.US).format(t);
        if (name.startsWith("GMT") && name.length() > 3 || name.startsWith("UTC") && name.length() > 3) {
            // Go prints numeric abbreviations such as "-03" or "+0530" for zones without a name
            int secs = t.getOffset().getTotalSeconds();
            int abs = Math.abs(secs);
            String sign = secs < 0 ? "-" : "+";
            String hh = String.format("%02d", abs / 3600);
            int mm = abs % 3600 / 60;
            return mm == 0 ? sign + hh : sign + hh + String.format("%02d", mm);
        }
        if (t.getZone().normalized().equals(ZoneOffset.UTC) && !t.getZone().getDisplayName(TextStyle.SHORT,
                Locale.US).isEmpty()) {
            return "UTC";
        }
        return name;
    }

    private static String time(ZonedDateTime t) {
        int h = t.getHour() % 12;
        if (h == 0) {
            h = 12;
        }
        return h + ":" + String.format("%02d", t.getMinute()) + " " + (t.getHour() < 12 ? "AM" : "PM") + " "
                + zoneAbbrev(t);
    }

    private static String dateTime(ZonedDateTime t) {
        return MONTHS[t.getMonthValue() - 1] + " " + t.getDayOfMonth() + ", " + t.getYear() + " " + time(t);
    }
}
