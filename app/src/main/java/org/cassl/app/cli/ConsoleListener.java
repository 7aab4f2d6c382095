package org.cassl.app.cli;

import org.cassl.training.api.JobListener;

/** Stage headings on stderr, beside {@link JobListener#progressBar()}'s bars. */
final class ConsoleListener implements JobListener {
    @Override
    public void onStage(String name, String description) {
        System.err.println("== " + description);
    }
}
