package io.gale.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunIdsTest {

    @Test
    void acceptsAirflowsCharactersAndGeneratedIds() {
        for (String id : new String[] {"my_run", "a:b", "a_b", "v1.2~rc+3-x", "manual__2026-06-01T00:00:00+00:00", "x".repeat(250)}) {
            assertThat(RunIds.validate(id)).isEqualTo(id);
        }
    }

    @Test
    void refusesPathsSpacesDotsAndLongIds() {
        assertThatThrownBy(() -> RunIds.validate("../../etc/passwd")).isInstanceOf(BadRequestException.class)
                .hasMessage("run id '../../etc/passwd' has characters run ids cannot have: use letters, digits and _ . ~ : + - only");
        for (String id : new String[] {"a b", "a/b", "a\\b", "é", "a\nb", "a%b", "a@b"}) {
            assertThatThrownBy(() -> RunIds.validate(id)).as(id).isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("has characters run ids cannot have");
        }
        assertThatThrownBy(() -> RunIds.validate("..")).hasMessage("run id '..' is not allowed: use letters or digits too");
        assertThatThrownBy(() -> RunIds.validate(".")).hasMessage("run id '.' is not allowed: use letters or digits too");
        assertThatThrownBy(() -> RunIds.validate("")).hasMessage("run id must not be empty");
        assertThatThrownBy(() -> RunIds.validate("x".repeat(251))).hasMessageStartingWith("run id 'xxxx")
                .hasMessageEndingWith("' is 251 characters long: use at most 250");
        assertThatThrownBy(() -> RunIds.validate("x".repeat(251))).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(120));
    }
}
