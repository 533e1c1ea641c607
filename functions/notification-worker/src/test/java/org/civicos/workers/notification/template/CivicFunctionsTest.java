package org.civicos.workers.notification.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CivicFunctionsTest extends TemplateTestSupport {

    private static String slot(String range) {
        return ENGINE.parse(Engine.TEXT, "text", "{{formatTimeSlot .Metadata.r}}")
                .execute(RenderData.of(null, Map.of("r", range)));
    }

    @Test
    void formatTimeSlotSameDayAndMultiDay() {
        assertThat(slot("[\"2024-07-04 13:00:00+00\",\"2024-07-04 15:30:00+00\")"))
                .isEqualTo("Jul 4, 2024 9:00 AM EDT - 11:30 AM EDT");
        assertThat(slot("[2024-07-04 13:00:00+00, 2024-07-06 15:30:00+00)"))
                .isEqualTo("Jul 4, 2024 9:00 AM EDT - Jul 6, 2024 11:30 AM EDT");
        assertThat(slot("booked [\"2024-01-10 23:30:00.25-05\",\"2024-01-11 01:00:00-05\") ok"))
                .isEqualTo("Jan 10, 2024 11:30 PM EST - Jan 11, 2024 1:00 AM EST");
    }

    @Test
    void formatTimeSlotAcrossDstTransitions() {
        // spring forward 2024-03-10 02:00 EST -> 03:00 EDT
        assertThat(slot("[\"2024-03-10 06:00:00+00\",\"2024-03-10 08:00:00+00\")"))
                .isEqualTo("Mar 10, 2024 1:00 AM EST - 4:00 AM EDT");
        // fall back 2024-11-03 02:00 EDT -> 01:00 EST
        assertThat(slot("[\"2024-11-03 05:30:00+00\",\"2024-11-03 06:30:00+00\")"))
                .isEqualTo("Nov 3, 2024 1:30 AM EDT - 1:30 AM EST");
    }

    @Test
    void formatTimeSlotFallsBackToInput() {
        for (String s : new String[] {"(\"2024-07-04 13:00:00+00\",\"2024-07-04 15:30:00+00\")",
            "[\"2024-07-04 13:00:00+00\",\"2024-07-04 15:30:00+00\"]", "[2024-07-04 13:00:00+00,infinity)",
            "[\"2024-07-04 13:00:00+05:30\",\"2024-07-04 15:30:00+00\")", "empty", "", "[,)"}) {
            assertThat(slot(s)).isEqualTo(s);
        }
    }

    @Test
    void formatTimeSlotUsesConfiguredZone() {
        GoTemplateEngine utc = new GoTemplateEngine(ZoneId.of("UTC"), Limits.defaults());
        assertThat(utc.parse(Engine.TEXT, "text", "{{formatTimeSlot .Metadata.r}}")
                .execute(RenderData.of(null, Map.of("r", "[\"2024-07-04 13:00:00+00\",\"2024-07-04 15:30:00+00\")"))))
                .isEqualTo("Jul 4, 2024 1:00 PM UTC - 3:30 PM UTC");
    }

    @Test
    void formatDateTimeAndFormatDate() {
        assertThat(text("{{formatDateTime .Entity.a}}|{{formatDateTime .Entity.b}}|{{formatDateTime .Entity.c}}",
                "{'a':'2024-12-24T17:05:09.123Z','b':'2024-06-01T08:00:00+02:00','c':'2024-06-01 08:00:00'}"))
                .isEqualTo("Dec 24, 2024 12:05 PM EST|Jun 1, 2024 2:00 AM EDT|2024-06-01 08:00:00");
        assertThat(text("{{formatDate .Entity.a}}|{{formatDate .Entity.b}}|{{formatDate .Entity.c}}",
                "{'a':'2024-02-29','b':'2023-02-29','c':'24-02-01'}"))
                .isEqualTo("Feb 29, 2024|2023-02-29|24-02-01");
    }

    @Test
    void formatMoneyAndPhone() {
        assertThat(text("{{formatMoney .Entity.a}}|{{formatMoney .Entity.b}}|{{formatMoney .Entity.c}}|"
                + "{{formatMoney .Entity.d}}|{{formatMoney .Entity.e}}|{{formatMoney .Entity.nope}}",
                "{'a':'$9.99','b':10,'c':-0.5,'d':1.005,'e':[1]}"))
                .isEqualTo("$9.99|$10.00|$-0.50|$1.00|[1]|<nil>");
        assertThat(text("{{formatPhone .Entity.a}}|{{formatPhone .Entity.b}}|{{formatPhone .Entity.c}}",
                "{'a':'555.867.5309','b':'+1 555 867 5309','c':'x'}"))
                .isEqualTo("(555) 867-5309|+1 555 867 5309|x");
    }

    @Test
    void stringParametersRejectOtherTypes() {
        assertThatThrownBy(() -> text("{{formatDate .Entity.nope}}", "{}"))
                .hasMessage("template: text:1:20: executing \"text\" at <.Entity.nope>: "
                        + "wrong type for value; expected string; got interface {}");
        assertThatThrownBy(() -> text("{{formatPhone .Entity.n}}", "{'n':5558675309}"))
                .hasMessage("template: text:1:21: executing \"text\" at <.Entity.n>: "
                        + "wrong type for value; expected string; got float64");
        assertThatThrownBy(() -> text("{{.Entity.nope | formatDateTime}}", "{}"))
                .hasMessage("template: text:1:17: executing \"text\" at <formatDateTime>: "
                        + "invalid value; expected string");
        assertThat(text("{{.Entity.nope | formatMoney}}", "{}")).isEqualTo("<nil>");
        assertThatThrownBy(() -> text("{{formatDate}}", "{}"))
                .hasMessageEndingWith("wrong number of args for formatDate: want 1 got 0");
    }
}
