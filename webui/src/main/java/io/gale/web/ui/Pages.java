package io.gale.web.ui;

import java.util.Map;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/** Renders the pages' Thymeleaf templates (HTML mode: every {@code th:text} is escaped). */
public final class Pages {

    private final TemplateEngine engine = new TemplateEngine();

    public Pages() {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(Pages.class.getClassLoader());
        resolver.setPrefix("io/gale/web/ui/templates/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        engine.setTemplateResolver(resolver);
    }

    /** The page {@code template} rendered with {@code model}. */
    public String render(String template, Map<String, Object> model) {
        Context context = new Context(java.util.Locale.ROOT);
        context.setVariables(model);
        return engine.process(template, context);
    }

    /** One fragment ({@code th:fragment}) of a template, for htmx to swap in. */
    public String fragment(String template, String fragment, Map<String, Object> model) {
        Context context = new Context(java.util.Locale.ROOT);
        context.setVariables(model);
        return engine.process(template, java.util.Set.of(fragment), context);
    }
}
