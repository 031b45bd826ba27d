#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QToolButton;

// A plain sentence across the window for what the supervisor must know now: nothing matched,
// the server failed, the call shown is an offline copy. Not a dialog, so work goes on; an
// optional action button (such as "Retry") offers the obvious next step.
//
// Screen readers are told through an accessibility alert when a message appears. UI thread.
class MessageBanner : public QFrame
{
    Q_OBJECT

public:
    enum class Kind { Information, Warning, Error };
    Q_ENUM(Kind)

    explicit MessageBanner(QWidget *parent = nullptr);

    // Shows text; an empty actionText hides the action button.
    void showMessage(Kind kind, const QString &text, const QString &actionText = {});
    // Replaces the text of the message being shown without alerting again.
    void updateText(const QString &text);
    void dismiss();

    Kind kind() const { return m_kind; }
    QString text() const;
    QString actionText() const;

Q_SIGNALS:
    void actionTriggered();
    void dismissed();

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QColor kindColor() const;
    void updateIcons();

    Kind m_kind = Kind::Information;
    QLabel *m_icon;
    QLabel *m_text;
    QPushButton *m_action;
    QToolButton *m_close;
};
