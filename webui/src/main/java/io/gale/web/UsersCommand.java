package io.gale.web;

import io.gale.cli.GaleCommand;
import io.gale.core.Json;
import io.gale.core.Role;
import io.gale.runtime.Engine;
import io.gale.store.UserRepository.User;
import io.gale.web.auth.Tokens;
import io.gale.web.auth.Users;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gale users}: users of the web server and REST API, and the key that signs their tokens. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage web server users and token signing keys.",
        subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Delete.class,
                UsersCommand.ResetPassword.class, UsersCommand.RotateKey.class})
public final class UsersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Engine engine() {
        return ((GaleCommand) spec.root().userObject()).cli().engine();
    }

    Users users() {
        return new Users(engine().store(), Clock.systemUTC());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The password: {@code -p}, one line of stdin with {@code --password-stdin}, or a random one (printed once). */
    static String password(String given, boolean stdin, PrintWriter out, String username) throws java.io.IOException {
        if (given != null) {
            return given;
        }
        if (stdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new io.gale.core.BadRequestException("--password-stdin: no password on standard input");
            }
            return line;
        }
        String random = Users.randomPassword();
        out.println("Password for '" + username + "' (shown once): " + random);
        return random;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a user (the password is random and printed once unless given).")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;
        @Option(names = {"-u", "--username"}, required = true)
        String username;
        @Option(names = {"-r", "--role"}, required = true, description = "admin, op or viewer")
        String role;
        @Option(names = {"-p", "--password"}, description = "The password (visible to other users of this machine: prefer --password-stdin).")
        String password;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            Role r = Role.of(role);
            String pw = password(password, passwordStdin, parent.out(), username);
            parent.users().create(username, pw, r);
            parent.out().println("User '" + username + "' created with role " + r.id() + ".");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users and their roles.")
    static final class ListUsers implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;
        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            List<User> users = parent.users().list();
            if (output.equals("json")) {
                List<Map<String, Object>> rows = users.stream().map(u -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("username", u.username());
                    m.put("role", u.role().id());
                    m.put("created_at", u.createdAt().toString());
                    return m;
                }).toList();
                parent.out().println(Json.pretty(rows));
            } else if (output.equals("table")) {
                parent.out().printf("%-24s %-8s %s%n", "username", "role", "created_at");
                users.forEach(u -> parent.out().printf("%-24s %-8s %s%n", u.username(), u.role().id(), u.createdAt()));
            } else {
                throw new io.gale.core.BadRequestException("unknown output format '" + output + "': use table or json");
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a user (its tokens stop working at once).")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;
        @Option(names = {"-u", "--username"}, required = true)
        String username;

        @Override
        public Integer call() {
            parent.users().delete(username);
            parent.out().println("User '" + username + "' deleted.");
            return 0;
        }
    }

    @Command(name = "reset-password", mixinStandardHelpOptions = true, description = "Set a user's password (random and printed once unless given).")
    static final class ResetPassword implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;
        @Option(names = {"-u", "--username"}, required = true)
        String username;
        @Option(names = {"-p", "--password"})
        String password;
        @Option(names = "--password-stdin")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            if (parent.users().find(username).isEmpty()) {
                throw new io.gale.core.NotFoundException("user '" + username + "' not found: run 'gale users list'");
            }
            String pw = password(password, passwordStdin, parent.out(), username);
            parent.users().resetPassword(username, pw);
            parent.out().println("Password of '" + username + "' changed.");
            return 0;
        }
    }

    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = "Sign new tokens with a new key. Tokens signed with the previous key stay valid until they expire, unless --revoke-all.")
    static final class RotateKey implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;
        @Option(names = "--revoke-all", description = "Also delete every older key: every token issued so far stops working.")
        boolean revokeAll;

        @Override
        public Integer call() {
            Tokens tokens = new Tokens(parent.engine().store(), Clock.systemUTC());
            String id = revokeAll ? tokens.revokeAll() : tokens.rotate();
            parent.out().println("New signing key " + id + (revokeAll ? "; every earlier token is revoked." : "; tokens signed with the previous key stay valid until they expire."));
            return 0;
        }
    }
}
