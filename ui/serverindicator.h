#pragma once

#include "lookup/calllookup.h"

#include <QWidget>

class QLabel;

// The server's state in the status bar: a coloured dot (green connected, amber connecting,
// red unreachable, grey unknown) and a short text such as "connected to 127.0.0.1:8470". The
// dot is never the only clue: the text says the same. UI thread.
class ServerIndicator : public QWidget
{
    Q_OBJECT

public:
    explicit ServerIndicator(QWidget *parent = nullptr);

    // text is what the status bar shows; details go into the tooltip.
    void setState(CallLookup::ServerState state, const QString &text, const QString &details);
    CallLookup::ServerState state() const { return m_state; }
    QString text() const;

private:
    CallLookup::ServerState m_state = CallLookup::ServerState::Unknown;
    QLabel *m_dot;
    QLabel *m_text;
};
